package io.pointsplatform.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The smallest HTTP/1.1 client the scenarios need: JSON in, status and body out, over one
 * keep-alive connection per calling thread (the load runs one virtual thread per connection).
 *
 * <p>Why not {@code java.net.http.HttpClient}: on these 2 cores the load generator shares the CPU
 * with Kafka, PostgreSQL and the services, and the JDK client's asynchronous machinery cost it
 * several times more CPU per request than writing the request and reading the answer on a socket.
 * What the load generator burns is taken from the system under test, so it is kept small. It only
 * speaks what the services answer: {@code Content-Length} or chunked bodies, no TLS, no redirects.
 */
public final class Http {

    /** A status and the body as text. */
    public record Response(int status, String body) {

        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private static final int TIMEOUT_MILLIS = 30_000;
    private static final String JSON = "application/json";
    private static final ThreadLocal<Connection> CONNECTIONS = new ThreadLocal<>();

    private Http() {
    }

    public static Response get(String url) throws IOException {
        return exchange("GET", URI.create(url), null, JSON, null, null);
    }

    /** A GET with {@code Authorization: Bearer TOKEN}. */
    public static Response get(String url, String token) throws IOException {
        return exchange("GET", URI.create(url), null, JSON, token, null);
    }

    /** A DELETE with {@code Authorization: Bearer TOKEN}. */
    public static Response delete(String url, String token) throws IOException {
        return exchange("DELETE", URI.create(url), null, JSON, token, null);
    }

    /** A POST with {@code Authorization: Bearer TOKEN}. */
    public static Response post(String url, String json, String token) throws IOException {
        return exchange("POST", URI.create(url), json, JSON, token, null);
    }

    /** A POST with a bearer token and {@code Idempotency-Key: KEY}. */
    public static Response post(String url, String json, String token, String idempotencyKey) throws IOException {
        return exchange("POST", URI.create(url), json, JSON, token, idempotencyKey);
    }

    /** A POST of a body of another type (e.g. {@code text/csv}), with a bearer token and an optional key. */
    public static Response post(String url, String body, String contentType, String token, String idempotencyKey)
            throws IOException {
        return exchange("POST", URI.create(url), body, contentType, token, idempotencyKey);
    }

    private static Response exchange(String method, URI uri, String json, String contentType, String token,
                                     String idempotencyKey) throws IOException {
        Connection connection = CONNECTIONS.get();
        if (connection == null || !connection.to(uri)) {
            if (connection != null) {
                connection.close();
            }
            connection = new Connection(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
            CONNECTIONS.set(connection);
        }
        try {
            return connection.exchange(method, uri, json, contentType, token, idempotencyKey);
        } catch (IOException | RuntimeException e) {
            connection.close();
            CONNECTIONS.remove();
            throw e;
        }
    }

    /** One keep-alive connection, used by one thread at a time. */
    private static final class Connection {

        private final String host;
        private final int port;
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final StringBuilder line = new StringBuilder(128);

        Connection(String host, int port) throws IOException {
            this.host = host;
            this.port = port;
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        boolean to(URI uri) {
            return host.equals(uri.getHost()) && port == (uri.getPort() < 0 ? 80 : uri.getPort()) && !socket.isClosed();
        }

        Response exchange(String method, URI uri, String json, String contentType, String token, String idempotencyKey)
                throws IOException {
            byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
            String path = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
            StringBuilder head = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Accept: application/json\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (idempotencyKey != null) {
                head.append("Idempotency-Key: ").append(idempotencyKey).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (body == null) {
                out.write(headBytes);
            } else {
                byte[] request = new byte[headBytes.length + body.length];
                System.arraycopy(headBytes, 0, request, 0, headBytes.length);
                System.arraycopy(body, 0, request, headBytes.length, body.length);
                out.write(request);
            }
            out.flush();
            return read();
        }

        private Response read() throws IOException {
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> {
                    }
                }
            }
            String body;
            if (status == 204 || status == 304 || status / 100 == 1) {
                // No body, whatever the headers say (RFC 9110, 6.4.1); no Content-Length is sent with
                // a 204, and reading to the connection's end would wait for the read timeout.
                body = "";
            } else if (chunked) {
                StringBuilder text = new StringBuilder();
                for (int size = chunkSize(); size > 0; size = chunkSize()) {
                    text.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                    readLine();
                }
                for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
                    // trailers are not used
                }
                body = text.toString();
            } else if (length >= 0) {
                byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw new EOFException("connection closed in the body");
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            } else {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                close = true;
            }
            if (close) {
                close();
            }
            return new Response(status, body);
        }

        private int chunkSize() throws IOException {
            String size = readLine();
            int semicolon = size.indexOf(';');
            return Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        }

        private String readLine() throws IOException {
            line.setLength(0);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
    }
}
