package io.pointsplatform.notification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server written on a plain socket, so that its replies can be what no real server's are:
 * it takes every message, but answers {@code RCPT TO} of an address holding {@code refused} with
 * {@code refusal}, byte for byte (ISO-8859-1: U+0000 as the byte 0), and may answer the end of a
 * message late ({@link #answeringDataLate}). Counts the messages it took per recipient, and those whose
 * connection the client closed while the server held its reply.
 */
public final class RawSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String refused;
    private final String refusal;
    private final Map<String, Integer> taken = new ConcurrentHashMap<>();
    private final List<String> senders = new CopyOnWriteArrayList<>();
    private final Map<String, List<Duration>> cut = new ConcurrentHashMap<>();
    private final AtomicInteger holding = new AtomicInteger();
    private final Map<String, Late> late = new ConcurrentHashMap<>();

    /** How late the end of a message to an address holding a marker is answered, and how many more times. */
    private record Late(Duration delay, AtomicInteger left) {
    }

    /** A server that takes every message at once. */
    public RawSmtpServer(int port) throws IOException {
        this(port, null, null);
    }

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

    /**
     * For a message to an address holding {@code marker}, the first {@code times} times: the server
     * waits {@code delay} after the end of its DATA before it answers 250 (and takes it), unless the
     * client closes the connection first: then the message is not taken, and counted in {@link #cut}.
     */
    RawSmtpServer answeringDataLate(String marker, Duration delay, int times) {
        late.put(marker, new Late(delay, new AtomicInteger(times)));
        return this;
    }

    /** The port it listens on (a free one when made with port 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** How many messages it took for {@code address}. */
    public int taken(String address) {
        return taken.getOrDefault(address, 0);
    }

    /** The senders ({@code MAIL FROM}) of the transactions it was offered, in order. */
    public List<String> senders() {
        return List.copyOf(senders);
    }

    /**
     * The messages to {@code address} that the client left, closing the connection while the server
     * held its reply: for each, how long after the end of the message it closed.
     */
    List<Duration> cut(String address) {
        return List.copyOf(cut.getOrDefault(address, List.of()));
    }

    /** How many replies the server holds now, the client's connection still open. */
    int holding() {
        return holding.get();
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
                    case "EHLO", "HELO", "NOOP" -> reply(out, "250 OK");
                    case "MAIL" -> {
                        senders.add(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>')));
                        reply(out, "250 OK");
                    }
                    case "RSET" -> {
                        recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "RCPT" -> {
                        String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                        if (refused != null && address.contains(refused)) {
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
                        Late delay = late.entrySet().stream()
                                .filter(l -> recipients.stream().anyMatch(a -> a.contains(l.getKey())))
                                .map(Map.Entry::getValue).findFirst().orElse(null);
                        if (delay != null && delay.left().getAndDecrement() > 0) {
                            Duration closedAfter = waitForReply(socket, in, delay.delay());
                            if (closedAfter != null) {
                                recipients.forEach(address -> cut.computeIfAbsent(address,
                                        a -> new CopyOnWriteArrayList<>()).add(closedAfter));
                                return;
                            }
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

    /**
     * Holds the reply to the end of a message {@code delay}: null when that time is up (the reply is
     * due), else how long it held it before the client closed the connection (a client says nothing
     * while it waits for a reply).
     */
    private Duration waitForReply(Socket socket, BufferedReader in, Duration delay) throws IOException {
        long start = System.nanoTime();
        holding.incrementAndGet();
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, delay.toMillis())));
            while (in.read() >= 0) {
                // nothing is expected; wait on
            }
        } catch (SocketTimeoutException due) {
            socket.setSoTimeout(0);
            return null;
        } catch (IOException reset) {
            // the client closed the connection abruptly
        } finally {
            holding.decrementAndGet();
        }
        return Duration.ofNanos(System.nanoTime() - start);
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
