package org.carillon.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option value converters. Each names what it expected and repeats what it got, so that
 * picocli's "Invalid value for option" line says everything needed to fix the call.
 */
final class Converters {
    private Converters() {}

    /** Host name lookup, a seam so tests need no DNS. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = InetAddress::getAllByName;
    }

    /** A {@code --bootstrap} argument and the addresses its host resolved to. */
    record BootstrapNode(String host, int port, List<InetSocketAddress> addresses) {
        BootstrapNode {
            addresses = List.copyOf(addresses);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** UDP port to bind; 0 picks a free one. */
    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parsePort(value, 0)
                    .orElseThrow(() -> new TypeConversionException("expected a port in 0..65535, got '" + value + "'"));
        }
    }

    /** Network id: an unsigned 32-bit number, decimal or 0x-hex. */
    static final class NetworkIdConverter implements ITypeConverter<Long> {
        private static final Pattern NETWORK = Pattern.compile("(?:0[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}))");

        @Override
        public Long convert(String value) {
            Matcher m = NETWORK.matcher(value);
            if (m.matches()) {
                long id = m.group(1) != null ? Long.parseLong(m.group(1), 16) : Long.parseLong(m.group(2));
                if (id <= 0xffff_ffffL) {
                    return id;
                }
            }
            throw new TypeConversionException(
                    "expected a network id in 0..4294967295 (decimal or 0x-hex), got '" + value + "'");
        }
    }

    /** Byte count with an optional binary suffix: {@code 65536}, {@code 512K}, {@code 64M}, {@code 1GiB}. */
    static final class ByteSizeConverter implements ITypeConverter<Long> {
        private static final Pattern SIZE =
                Pattern.compile("([0-9]{1,19})\\s*(?:([kmgt])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException(
                        "expected a size in bytes such as 65536, 512K, 64M or 1G, got '" + value + "'");
            }
            try {
                long bytes = Long.parseLong(m.group(1));
                if (m.group(2) == null) {
                    return bytes;
                }
                int shift = 10 * ("kmgt".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1);
                return Math.multiplyExact(bytes, 1L << shift);
            } catch (NumberFormatException | ArithmeticException tooLarge) {
                throw new TypeConversionException("size '" + value + "' is too large");
            }
        }
    }

    /** A local IP address to bind: a literal, never a name, so the sockets are what was asked for. */
    static final class BindAddressConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            boolean bracketed = value.startsWith("[") && value.endsWith("]");
            String literal = bracketed ? value.substring(1, value.length() - 1) : value;
            return literalAddress(literal)
                    .filter(address -> !bracketed || literal.indexOf(':') >= 0)
                    .orElseThrow(() -> new TypeConversionException(
                            "expected an IP address such as 0.0.0.0, 127.0.0.1, :: or ::1, got '" + value + "'"));
        }
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}; host names are resolved to all their addresses. */
    static final class BootstrapConverter implements ITypeConverter<BootstrapNode> {
        private final Resolver resolver;

        BootstrapConverter() {
            this(Resolver.SYSTEM);
        }

        BootstrapConverter(Resolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public BootstrapNode convert(String value) {
            String host;
            String port;
            if (value.startsWith("[")) {
                int close = value.indexOf(']');
                if (close < 0 || !value.startsWith(":", close + 1)) {
                    throw expectedHostPort(value, "");
                }
                host = value.substring(1, close);
                port = value.substring(close + 2);
                if (host.indexOf(':') < 0) {
                    throw expectedHostPort(value, " (brackets are for IPv6 addresses)");
                }
            } else {
                int colon = value.lastIndexOf(':');
                if (colon < 0) {
                    throw expectedHostPort(value, "");
                }
                if (value.indexOf(':') != colon) {
                    throw expectedHostPort(value, " (write an IPv6 address as [ADDRESS]:PORT)");
                }
                host = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw expectedHostPort(value, "");
            }
            int portNumber = parsePort(port, 1)
                    .orElseThrow(() -> new TypeConversionException(
                            "expected HOST:PORT with PORT in 1..65535, got '" + value + "'"));
            return new BootstrapNode(
                    host,
                    portNumber,
                    resolve(host, value).stream()
                            .map(a -> new InetSocketAddress(a, portNumber))
                            .toList());
        }

        private List<InetAddress> resolve(String host, String value) {
            Optional<InetAddress> literal = literalAddress(host);
            if (literal.isPresent()) {
                return List.of(literal.get());
            }
            if (host.indexOf(':') >= 0) {
                throw new TypeConversionException("invalid IPv6 address '" + host + "' in '" + value + "'");
            }
            try {
                InetAddress[] all = resolver.resolve(host);
                if (all.length == 0) {
                    throw new UnknownHostException(host);
                }
                return Arrays.stream(all).distinct().toList();
            } catch (UnknownHostException e) {
                throw new TypeConversionException("cannot resolve host '" + host + "' in '" + value + "'");
            }
        }

        private static TypeConversionException expectedHostPort(String value, String hint) {
            return new TypeConversionException("expected HOST:PORT, got '" + value + "'" + hint);
        }
    }

    /** A period: plain seconds, or with a unit {@code ms}, {@code s}, {@code m}; 0 means never. */
    static final class IntervalConverter implements ITypeConverter<Duration> {
        private static final Pattern INTERVAL = Pattern.compile("([0-9]{1,9})(ms|s|m)?");

        @Override
        public Duration convert(String value) {
            Matcher m = INTERVAL.matcher(value);
            if (!m.matches()) {
                throw new TypeConversionException(
                        "expected an interval such as 30, 30s, 500ms or 5m, got '" + value + "'");
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            if (unit.equals("ms")) {
                return Duration.ofMillis(amount);
            }
            return unit.equals("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
        }
    }

    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

    /**
     * The address {@code text} spells as a dotted-quad IPv4 or an IPv6 literal, without ever
     * asking DNS ({@code InetAddress.getByName} would look up anything it cannot parse).
     */
    static Optional<InetAddress> literalAddress(String text) {
        try {
            Matcher v4 = IPV4.matcher(text);
            if (v4.matches()) {
                for (int i = 1; i <= 4; i++) {
                    if (Integer.parseInt(v4.group(i)) > 255) {
                        return Optional.empty();
                    }
                }
                return Optional.of(InetAddress.getByName(text));
            }
            if (text.indexOf(':') >= 0) {
                // in brackets the JDK only accepts an IPv6 literal and never falls back to DNS
                return Optional.of(InetAddress.getByName("[" + text + "]"));
            }
        } catch (UnknownHostException notALiteral) {
            // fall through
        }
        return Optional.empty();
    }

    /** {@code text} as a port no lower than {@code min}: ASCII digits only, no sign. */
    private static Optional<Integer> parsePort(String text, int min) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text);
        return port >= min && port <= 65535 ? Optional.of(port) : Optional.empty();
    }
}
