package org.fleetj.registry;

/** A running watch; close it to stop the callbacks. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
