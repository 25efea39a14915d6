package io.pointsplatform.notification.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A receiver no HTTP server would be: on a plain socket it reads each request and writes back the
 * bytes it was given, whatever they are, then sends nothing more; it notes how long each connection
 * was held after that before the client dropped it.
 */
final class RawReceiver implements AutoCloseable {

    private final byte[] answer;
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Duration> dropped = new CopyOnWriteArrayList<>();

    /** Answers {@code answer} (ISO-8859-1: one byte a character, U+0000 as the byte 0). */
    RawReceiver(String answer) throws IOException {
        this.answer = answer.getBytes(StandardCharsets.ISO_8859_1);
        pool.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    pool.submit(() -> answer(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** Answers 200 with {@code Content-Length: 1000000000}, then sends nothing. */
    static RawReceiver stalling() throws IOException {
        return new RawReceiver("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000000000\r\n\r\n");
    }

    private void answer(Socket socket) {
        Instant answered = null;
        try (socket) {
            var in = socket.getInputStream();
            // The request's headers and body.
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
            in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
            socket.getOutputStream().write(answer);
            socket.getOutputStream().flush();
            answered = Instant.now();
            // Nothing more: wait for the client to drop the connection.
            while (in.read() >= 0) {
                // ignore
            }
        } catch (IOException reset) {
            // dropped by the client as well
        }
        if (answered != null && !server.isClosed()) {
            dropped.add(Duration.between(answered, Instant.now()));
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    int accepted() {
        return accepted.get();
    }

    List<Duration> dropped() {
        return dropped;
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
