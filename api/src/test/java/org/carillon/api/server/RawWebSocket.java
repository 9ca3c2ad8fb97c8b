package org.carillon.api.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A WebSocket client written by hand on a plain socket, for what well-behaved clients cannot do:
 * frames of any opcode and bytes, requests after a refused handshake, and never reading (with a
 * small receive buffer, so the server's writes back up quickly).
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;

    /** A frame the server sent. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame. */
        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final int status;
    private final Random masks = new Random(7);

    private RawWebSocket(Socket socket, int status) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.status = status;
    }

    /**
     * Sends the upgrade request for {@code uri} (with {@code authorization} as the header when not
     * null) and reads the response head.
     */
    static RawWebSocket connect(URI uri, String authorization, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connect: it sets the window offered
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        new Random(1).nextBytes(key);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String head = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new RawWebSocket(socket, readStatus(socket));
    }

    /** The HTTP status of the upgrade response: 101 when the WebSocket is open. */
    int status() {
        return status;
    }

    private static int readStatus(Socket socket) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        var in = socket.getInputStream();
        while (head.size() < 16_384) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        String[] first = text.split("\r\n", 2)[0].split(" ");
        if (first.length < 2) {
            throw new IOException("no HTTP response: '" + text + "'");
        }
        return Integer.parseInt(first[1]);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One final, masked frame (clients must mask) of {@code opcode} carrying {@code payload}. */
    void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        masks.nextBytes(mask);
        frame.write(mask, 0, 4);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        frame.write(masked, 0, masked.length);
        out.write(frame.toByteArray());
    }

    /** The next frame from the server, or null when the connection ended (or nothing came in time). */
    Frame read() throws IOException {
        try {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length > 64L << 20) {
                throw new IOException("a server frame of " + length + " bytes");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, payload);
        } catch (EOFException | SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (socket.isClosed() || String.valueOf(e.getMessage()).contains("reset")) {
                return null;
            }
            throw e;
        }
    }

    /** Reads frames until a close frame (its code) or the end of the connection (-1). */
    int awaitClose() throws IOException {
        for (int i = 0; i < 1_000_000; i++) {
            Frame f = read();
            if (f == null) {
                return -1;
            }
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
        }
        throw new IOException("no close after a million frames");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
