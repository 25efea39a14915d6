package io.pointsplatform.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A merchant's receiver: a real HTTP server on a local port. It answers {@code status} (200 by
 * default) and keeps each request it answered with a 2xx; {@link #down()} closes its port (callers
 * get connection refused) until {@link #up()} opens it again; {@link #hang()} makes it hold every
 * request unanswered until {@link #close()}.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived: headers lower-cased, the body as text. */
    public record Request(Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private final int port;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile boolean hanging;
    private HttpServer server;

    public WebhookReceiver() {
        server = start(0);
        port = server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hooks";
    }

    public List<Request> received() {
        return List.copyOf(received);
    }

    public int calls() {
        return calls.get();
    }

    /** The most requests it held at once. */
    public int mostOpen() {
        return mostOpen.get();
    }

    public WebhookReceiver answering(int status) {
        this.status = status;
        return this;
    }

    public WebhookReceiver hang() {
        hanging = true;
        return this;
    }

    public synchronized void down() {
        server.stop(0);
    }

    public synchronized void up() {
        server = start(port);
    }

    private HttpServer start(int onPort) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
            s.createContext("/", this::handle);
            s.setExecutor(Executors.newCachedThreadPool());
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (hanging) {
                released.await(5, TimeUnit.MINUTES);
                return;
            }
            int answer = status;
            if (answer >= 200 && answer < 300) {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), new ArrayList<>(values)));
                received.add(new Request(headers, body));
            }
            exchange.sendResponseHeaders(answer, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    @Override
    public synchronized void close() {
        released.countDown();
        server.stop(0);
    }
}
