package io.pointsplatform.notification;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) in the test JVM on a free port, the mailer pointed at it, and the
 * e-mail job made quick: tries every 200 ms, backoff from 200 ms, three tries in all. A test can take
 * it down and bring it back on the same port.
 */
public class GreenMailResource implements QuarkusTestResourceLifecycleManager {

    private static int port;
    private static volatile GreenMail server;

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        up();
        return Map.of("quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(port),
                "points.notices.email.every", "1s",
                "points.notices.email.backoff", "200ms",
                "points.notices.email.max-backoff", "1s",
                "points.notices.email.max-attempts", "3");
    }

    @Override
    public void stop() {
        down();
    }

    /** The port the mailer is pointed at (GreenMail's, when it is up). */
    static int port() {
        return port;
    }

    static GreenMail server() {
        return server;
    }

    static synchronized void up() {
        if (server == null) {
            server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
        }
    }

    static synchronized void down() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
