package org.carillon.cli;

import java.security.cert.X509CRL;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Revocations;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code carillon account revoke-device DEVICE}: the account key signs a revocation list naming
 * one of its other devices and puts it at the account id, where peers (Carillon and Jami) look
 * before trusting a device.
 */
@Command(
        name = "revoke-device",
        mixinStandardHelpOptions = true,
        description = "Revoke another device of the account (lost or stolen): peers stop trusting it.")
final class RevokeDeviceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AccountOptions options;

    @Mixin
    NetworkOptions network;

    @Parameters(paramLabel = "DEVICE", description = "The device's id (40 hex, or its first 8+ digits).")
    String device;

    @Override
    public Integer call() throws Exception {
        String prefix = device.strip().toLowerCase(Locale.ROOT);
        if (!prefix.matches("[0-9a-f]{8,40}")) {
            throw new CommandError("'" + device + "' is not a device id: expected 8 to 40 hexadecimal digits");
        }
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            AccountKeys keys = accounts.keys(a);
            if (keys.deviceId().shortId().toString().startsWith(prefix)) {
                throw new CommandError("that is this device: revoke it from another device of the account");
            }
            X509CRL crl = Online.run(
                    accounts,
                    a,
                    network,
                    spec.commandLine().getErr(),
                    s -> s.account().directory().devicesOf(a.id()).thenCompose(devices -> {
                        PeerDevice target = only(devices, prefix);
                        X509CRL updated = Revocations.revoke(
                                keys,
                                accounts.revocations(a).orElse(null),
                                List.of(target.chain().get(0)));
                        try {
                            accounts.saveRevocations(a, updated, target.chain().get(0));
                        } catch (java.security.cert.CRLException e) {
                            throw new IllegalStateException("cannot encode the revocation list", e);
                        }
                        return s.node()
                                .put(a.id().hash(), Revocations.toValue(updated), true)
                                .thenApply(id -> updated);
                    }));
            spec.commandLine()
                    .getOut()
                    .println("revoked device " + prefix + " of account " + a.id() + " ("
                            + crl.getRevokedCertificates().size() + " revoked in all)");
        }
        return 0;
    }

    private static PeerDevice only(List<PeerDevice> devices, String prefix) {
        List<PeerDevice> matches = devices.stream()
                .filter(d -> d.id().shortId().toString().startsWith(prefix))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException(
                    matches.isEmpty()
                            ? "no announced device " + prefix + " of this account on the DHT (it must have been online"
                                    + " in the last 10 minutes); devices seen: "
                                    + devices.stream()
                                            .map(d -> d.id().shortId().toString())
                                            .toList()
                            : "'" + prefix + "' matches " + matches.size() + " devices: give more digits");
        }
        return matches.get(0);
    }
}
