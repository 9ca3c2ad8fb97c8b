package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.cert.X509CRL;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carillon.api.client.CarillonClient;
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
        Optional<CarillonClient> found = RunningDaemon.find(options.directory());
        if (found.isPresent()) {
            try (CarillonClient daemon = found.get()) {
                RunningDaemon.noticeIgnored(spec, NetworkOptions.NAMES);
                String account = RunningDaemon.account(daemon, options.account);
                JsonNode done = daemon.revokeDevice(account, device);
                spec.commandLine()
                        .getOut()
                        .println(revoked(
                                done.path("device").asText(),
                                account,
                                done.path("revokedInAll").asInt()));
            }
            return 0;
        }
        try (LocalAccounts accounts = options.open()) {
            LocalAccount a = accounts.select(options.account);
            String prefix;
            try {
                prefix = DeviceRevocation.prefix(device, accounts.keys(a));
            } catch (IllegalArgumentException e) {
                throw new CommandError(e.getMessage());
            }
            RunningDaemon.noticeNone(spec.commandLine().getErr(), accounts.directory(), network.timeout);
            X509CRL crl = Online.run(
                    accounts,
                    a,
                    network,
                    spec.commandLine().getErr(),
                    s -> DeviceRevocation.revoke(accounts, a, s, prefix));
            spec.commandLine()
                    .getOut()
                    .println(revoked(
                            prefix, a.id().hex(), crl.getRevokedCertificates().size()));
        }
        return 0;
    }

    private static String revoked(String device, String account, int inAll) {
        return "revoked device " + device + " of account " + account + " (" + inAll + " revoked in all)";
    }
}
