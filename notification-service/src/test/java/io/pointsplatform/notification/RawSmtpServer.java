package io.pointsplatform.notification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An SMTP server written on a plain socket, so that its replies can be what no real server's are:
 * it takes every message, but answers {@code RCPT TO} of an address holding {@code refused} with
 * {@code refusal}, byte for byte (ISO-8859-1: U+0000 as the byte 0). Counts the messages it took per
 * recipient.
 */
final class RawSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String refused;
    private final String refusal;
    private final Map<String, Integer> taken = new ConcurrentHashMap<>();

    RawSmtpServer(int port, String refused, String refusal) throws IOException {
        this.refused = refused;
        this.refusal = refusal;
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        pool.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    pool.submit(() -> converse(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** How many messages it took for {@code address}. */
    int taken(String address) {
        return taken.getOrDefault(address, 0);
    }

    private void converse(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 raw ESMTP");
            List<String> recipients = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (command) {
                    case "EHLO", "HELO", "MAIL", "NOOP" -> reply(out, "250 OK");
                    case "RSET" -> {
                        recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "RCPT" -> {
                        String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                        if (address.contains(refused)) {
                            reply(out, refusal);
                        } else {
                            recipients.add(address);
                            reply(out, "250 OK");
                        }
                    }
                    case "DATA" -> {
                        reply(out, "354 go on");
                        for (String data = in.readLine(); data != null && !data.equals("."); data = in.readLine()) {
                            // the message, not kept
                        }
                        recipients.forEach(address -> taken.merge(address, 1, Integer::sum));
                        recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not here");
                }
            }
        } catch (IOException | RuntimeException dropped) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
