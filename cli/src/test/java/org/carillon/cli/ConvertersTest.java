package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.carillon.cli.Converters.BindAddressConverter;
import org.carillon.cli.Converters.BootstrapConverter;
import org.carillon.cli.Converters.BootstrapNode;
import org.carillon.cli.Converters.ByteSizeConverter;
import org.carillon.cli.Converters.IntervalConverter;
import org.carillon.cli.Converters.NetworkIdConverter;
import org.carillon.cli.Converters.PortConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
    private final List<String> lookedUp = new ArrayList<>();

    /** Knows one name with two addresses; fails every other lookup, and records them all. */
    private final BootstrapConverter bootstrap = new BootstrapConverter(host -> {
        lookedUp.add(host);
        if (host.equals("boot.example")) {
            return new InetAddress[] {ip("192.0.2.7"), ip("2001:db8::7")};
        }
        throw new UnknownHostException(host);
    });

    private static InetAddress ip(String literal) {
        return Converters.literalAddress(literal).orElseThrow();
    }

    @Test
    void bootstrapTakesIpv4HostAndPort() {
        BootstrapNode node = bootstrap.convert("127.0.0.1:4301");

        assertThat(node.addresses()).containsExactly(new InetSocketAddress(ip("127.0.0.1"), 4301));
        assertThat(node).hasToString("127.0.0.1:4301");
        assertThat(lookedUp).as("a literal needs no lookup").isEmpty();
    }

    @Test
    void bootstrapTakesBracketedIpv6() {
        BootstrapNode node = bootstrap.convert("[::1]:4301");

        assertThat(node.addresses()).containsExactly(new InetSocketAddress(ip("::1"), 4301));
        assertThat(node).hasToString("[::1]:4301");
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void bootstrapResolvesAHostNameToAllItsAddresses() {
        BootstrapNode node = bootstrap.convert("boot.example:4222");

        assertThat(node.addresses())
                .containsExactly(
                        new InetSocketAddress(ip("192.0.2.7"), 4222), new InetSocketAddress(ip("2001:db8::7"), 4222));
        assertThat(lookedUp).containsExactly("boot.example");
    }

    @Test
    void bootstrapNamesAHostThatDoesNotResolve() {
        assertThatThrownBy(() -> bootstrap.convert("nowhere.example:4222"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("cannot resolve host 'nowhere.example' in 'nowhere.example:4222'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1.2.3.4            | expected HOST:PORT, got '1.2.3.4'",
                "boot.example       | expected HOST:PORT, got 'boot.example'",
                ":4222              | expected HOST:PORT, got ':4222'",
                "1.2.3.4:           | expected HOST:PORT with PORT in 1..65535, got '1.2.3.4:'",
                "1.2.3.4:65536      | expected HOST:PORT with PORT in 1..65535, got '1.2.3.4:65536'",
                "1.2.3.4:+80        | expected HOST:PORT with PORT in 1..65535, got '1.2.3.4:+80'",
                "::1                | expected HOST:PORT, got '::1' (write an IPv6 address as [ADDRESS]:PORT)",
                "[::1]              | expected HOST:PORT, got '[::1]'",
                "[::1]4222          | expected HOST:PORT, got '[::1]4222'",
                "[1.2.3.4]:4222     | expected HOST:PORT, got '[1.2.3.4]:4222' (brackets are for IPv6 addresses)",
                "[fe80::zz]:4222    | invalid IPv6 address 'fe80::zz' in '[fe80::zz]:4222'",
            })
    void bootstrapRefusesMalformedAddresses(String value, String message) {
        assertThatThrownBy(() -> bootstrap.convert(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage(message);
        assertThat(lookedUp).as("nothing malformed is looked up").isEmpty();
    }

    @Test
    void portAcceptsTheWholeRangeIncludingZero() {
        PortConverter port = new PortConverter();

        assertThat(port.convert("0")).isZero();
        assertThat(port.convert("4222")).isEqualTo(4222);
        assertThat(port.convert("65535")).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "65536", "-1", "+1", "42a", "0x10", "123456"})
    void portRefusesWhatIsNotAPort(String value) {
        assertThatThrownBy(() -> new PortConverter().convert(value))
                .hasMessage("expected a port in 0..65535, got '" + value + "'");
    }

    @Test
    void networkIdIsAnUnsigned32BitNumberInDecimalOrHex() {
        NetworkIdConverter network = new NetworkIdConverter();

        assertThat(network.convert("0")).isZero();
        assertThat(network.convert("42")).isEqualTo(42);
        assertThat(network.convert("4294967295")).isEqualTo(0xffff_ffffL);
        assertThat(network.convert("0x2A")).isEqualTo(42);
        assertThat(network.convert("0xffffffff")).isEqualTo(0xffff_ffffL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "4294967296", "99999999999", "0x100000000", "0x", "forty-two", ""})
    void networkIdRefusesWhatDoesNotFit(String value) {
        assertThatThrownBy(() -> new NetworkIdConverter().convert(value))
                .hasMessage("expected a network id in 0..4294967295 (decimal or 0x-hex), got '" + value + "'");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "65536, 65536",
        "100b, 100",
        "512K, 524288",
        "512k, 524288",
        "64M, 67108864",
        "64MB, 67108864",
        "64MiB, 67108864",
        "1G, 1073741824",
        "2T, 2199023255552",
    })
    void sizesTakeBinarySuffixes(String value, long bytes) {
        assertThat(new ByteSizeConverter().convert(value)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "-1", "1.5M", "64Q", "64iB", "lots"})
    void sizesRefuseWhatIsNotASize(String value) {
        assertThatThrownBy(() -> new ByteSizeConverter().convert(value))
                .hasMessage("expected a size in bytes such as 65536, 512K, 64M or 1G, got '" + value + "'");
    }

    @Test
    void sizesThatOverflowAreTooLarge() {
        assertThatThrownBy(() -> new ByteSizeConverter().convert("9999999999T"))
                .hasMessage("size '9999999999T' is too large");
        assertThatThrownBy(() -> new ByteSizeConverter().convert("9999999999999999999"))
                .hasMessage("size '9999999999999999999' is too large");
    }

    @Test
    void bindTakesIpLiteralsWithOrWithoutBrackets() {
        BindAddressConverter bind = new BindAddressConverter();

        assertThat(bind.convert("0.0.0.0")).isEqualTo(ip("0.0.0.0"));
        assertThat(bind.convert("::")).isEqualTo(ip("::"));
        assertThat(bind.convert("[::1]")).isEqualTo(ip("::1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "1.2.3", "1.2.3.256", "::g", "[1.2.3.4]", ""})
    void bindRefusesNamesAndMalformedAddresses(String value) {
        assertThatThrownBy(() -> new BindAddressConverter().convert(value))
                .hasMessage("expected an IP address such as 0.0.0.0, 127.0.0.1, :: or ::1, got '" + value + "'");
    }

    @Test
    void intervalsAreSecondsUnlessAUnitSaysOtherwise() {
        IntervalConverter interval = new IntervalConverter();

        assertThat(interval.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(interval.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(interval.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(interval.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(interval.convert("0")).isZero();
        assertThatThrownBy(() -> interval.convert("soon"))
                .hasMessage("expected an interval such as 30, 30s, 500ms or 5m, got 'soon'");
    }
}
