package org.carillon.cli;

import java.security.cert.X509CRL;
import java.util.concurrent.Callable;
import org.carillon.core.local.DeviceRevocation;
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
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            String prefix;
            try {
                prefix = DeviceRevocation.prefix(device, accounts.keys(a));
            } catch (IllegalArgumentException e) {
                throw new CommandError(e.getMessage());
            }
            X509CRL crl = Online.run(
                    accounts,
                    a,
                    network,
                    spec.commandLine().getErr(),
                    s -> DeviceRevocation.revoke(accounts, a, s, prefix));
            spec.commandLine()
                    .getOut()
                    .println("revoked device " + prefix + " of account " + a.id() + " ("
                            + crl.getRevokedCertificates().size() + " revoked in all)");
        }
        return 0;
    }
}
