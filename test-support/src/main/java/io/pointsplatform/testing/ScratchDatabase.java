package io.pointsplatform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own on {@link LocalPostgres} for each test, dropped after it: for tests that run
 * migration scripts on data written before them ({@link LocalPostgres#migrate}). Register with
 * {@code @RegisterExtension final ScratchDatabase database = new ScratchDatabase("purpose");}.
 */
public final class ScratchDatabase implements BeforeEachCallback, AfterEachCallback {

    private final String purpose;
    private String name;

    public ScratchDatabase(String purpose) {
        this.purpose = purpose;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        name = LocalPostgres.createDatabase(purpose);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (name != null) {
            LocalPostgres.dropDatabase(name);
            name = null;
        }
    }

    public String url() {
        return LocalPostgres.jdbcUrl(name);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }
}
