package io.pointsplatform.testing;

import static io.restassured.RestAssured.given;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A table of bad requests and the answer each must get: its status, problem+json, its machine
 * code and the field it names (as the client wrote it), and nothing in the body that shows how the
 * service is built (a stack trace, a Java class, SQL). Every row runs, then every wrong one is
 * reported at once. Also the row counts of the service's tables, to show nothing was written.
 */
public final class BadInputs {

    /**
     * What a body must never show a client: a stack frame, a Java or library class or method (Jackson
     * quotes them in backticks), SQL. One pattern for every service's bad-input table.
     */
    public static final Pattern LEAK = Pattern.compile(
            "exception|caused by|\\tat |\\bat [a-z]+\\.[a-z]|\\$[A-Z]|\\.java:\\d|`"
                    + "|\\b(java|javax|jakarta|sun|io\\.pointsplatform|io\\.quarkus|io\\.vertx|io\\.smallrye|io\\.netty"
                    + "|org\\.[a-z]+|com\\.[a-z]+)\\.[a-z]"
                    + "|(?-i:\\b[A-Z][A-Za-z]+\\.[a-z]\\w*\\()"
                    + "|\\bselect\\b.*\\bfrom\\b|\\binsert into\\b|\\bupdate\\b.*\\bset\\b|\\bdelete from\\b"
                    + "|\\bwhere [a-z_]+ =|sqlstate|postgres|\\bSQL\\b",
            Pattern.CASE_INSENSITIVE);

    /** One bad request: METHOD PATH with BODY (bytes as sent, or null) of CONTENT_TYPE, and its answer. */
    public record Row(String what, String method, String path, String contentType, byte[] body,
               int status, String code, String field, Map<String, String> headers) {

        @Override
        public String toString() {
            return what + " (" + method + " " + (path.length() > 90 ? path.substring(0, 90) + "…" : path) + ")";
        }
    }

    private final String token;
    private final List<Row> rows = new ArrayList<>();

    public BadInputs(String token) {
        this.token = token;
    }

    /** A JSON body, as UTF-8. */
    public BadInputs json(String what, String method, String path, String body, int status, String code, String field) {
        return raw(what, method, path, "application/json", body.getBytes(StandardCharsets.UTF_8), status, code, field);
    }

    /** Exactly these bytes, with this content type (null: no Content-Type header). */
    public BadInputs raw(String what, String method, String path, String contentType, byte[] body,
                  int status, String code, String field) {
        rows.add(new Row(what, method, path, contentType, body, status, code, field, Map.of()));
        return this;
    }

    /** Sends the row added last with this header too (If-Match, Idempotency-Key, …). */
    public BadInputs header(String name, String value) {
        Row last = rows.remove(rows.size() - 1);
        Map<String, String> headers = new java.util.LinkedHashMap<>(last.headers());
        headers.put(name, value);
        rows.add(new Row(last.what(), last.method(), last.path(), last.contentType(), last.body(), last.status(),
                last.code(), last.field(), Map.copyOf(headers)));
        return this;
    }

    /** No body. */
    public BadInputs call(String what, String method, String path, int status, String code, String field) {
        return raw(what, method, path, null, null, status, code, field);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Sends every row; returns a line for each answer that is not the one expected. */
    public List<String> wrongAnswers() {
        List<String> wrong = new ArrayList<>();
        for (Row row : rows) {
            Response answer = send(row);
            String body = answer.asString();
            String type = Objects.requireNonNullElse(answer.contentType(), "");
            List<String> faults = new ArrayList<>();
            if (answer.statusCode() != row.status()) {
                faults.add("status " + answer.statusCode() + ", expected " + row.status());
            }
            if (!type.startsWith("application/problem+json")) {
                faults.add("content type '" + type + "', expected application/problem+json");
            } else {
                Object code = answer.jsonPath().get("code");
                if (!row.code().equals(code)) {
                    faults.add("code " + code + ", expected " + row.code());
                }
                if (row.field() != null) {
                    List<Object> fields = answer.jsonPath().getList("errors.field");
                    if (fields == null || !fields.contains(row.field())) {
                        faults.add("fields " + fields + ", expected " + row.field());
                    }
                }
            }
            if (LEAK.matcher(body).find()) {
                faults.add("the body shows the service's insides");
            }
            if (!faults.isEmpty()) {
                wrong.add(row + ": " + String.join("; ", faults) + "\n      " + body);
            }
        }
        return wrong;
    }

    private Response send(Row row) {
        // Bytes go out as they are, and no charset is added to the content type we name.
        RequestSpecification request = given()
                .config(RestAssuredConfig.config().encoderConfig(
                        EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .urlEncodingEnabled(false)
                .auth().oauth2(token);
        if (row.contentType() != null) {
            request = request.contentType(row.contentType());
        }
        if (row.body() != null) {
            request = request.body(row.body());
        }
        if (!row.headers().isEmpty()) {
            request = request.headers(row.headers());
        }
        return request.request(row.method(), row.path()).andReturn();
    }

    /** Rows in each table of the service's database, by table. */
    public static Map<String, Long> rowCounts(String jdbcUrl, String user, String password) {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("select table_name from information_schema.tables "
                    + "where table_schema = 'public' and table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("select count(*) from \"" + table + "\"")) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return counts;
    }

    /**
     * The row counts once they hold still for a second: a consumer may still be applying what an
     * earlier test published, which is not what this test is about.
     */
    public static Map<String, Long> settledRowCounts(String jdbcUrl, String user, String password) throws InterruptedException {
        Map<String, Long> last = rowCounts(jdbcUrl, user, password);
        for (int i = 0; i < 60; i++) {
            Thread.sleep(1_000);
            Map<String, Long> now = rowCounts(jdbcUrl, user, password);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the row counts did not settle within a minute: " + last);
    }
}
