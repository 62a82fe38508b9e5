package org.fleetj.fleetctl.client.api;

/**
 * Bounds one request by closing its connection when {@code --request-timeout} passes: blocking reads on
 * a unix {@code SocketChannel} have no timeout of their own, and closing unblocks them.
 */
final class RequestTimer implements AutoCloseable {
    private final Thread thread;
    private volatile boolean fired;
    private volatile boolean done;

    private RequestTimer(Connection connection, long timeoutMillis) {
        thread = new Thread(() -> {
            try {
                Thread.sleep(timeoutMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!done) {
                fired = true;
                connection.close();
            }
        }, "fleetctl-request-timeout");
        thread.setDaemon(true);
        thread.start();
    }

    static RequestTimer start(Connection connection, long timeoutMillis) {
        return new RequestTimer(connection, timeoutMillis);
    }

    boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        done = true;
        thread.interrupt();
    }
}
