package org.fleetj.fleetd.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the API tests share: a fresh {@link ApiFixture} (a started server over the in-memory registry) for each
 * test, and a client on its unix socket.
 */
abstract class ApiServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    private final UnaryOperator<ApiConfig.Builder> config;
    ApiFixture api;
    RawHttp http;

    /** A server with the default configuration. */
    ApiServerTest() {
        this(b -> b);
    }

    /** @param config how this test class configures the server */
    ApiServerTest(UnaryOperator<ApiConfig.Builder> config) {
        this.config = config;
    }

    @BeforeEach
    final void startServer() throws Exception {
        api = new ApiFixture(config);
        http = api.unix();
    }

    @AfterEach
    final void stopServer() {
        api.close();
    }
}
