package org.fleetj.registry.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListenerCallsTest {

    @Test
    void callsRunInOrderOnTheCallbackThreadAndAFailingOneDoesNotStopTheNext() throws InterruptedException {
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "callbacks-under-test"));
        List<String> ran = new CopyOnWriteArrayList<>();
        ListenerCalls.submit(callbacks, () -> ran.add("first on " + Thread.currentThread().getName()));
        ListenerCalls.submit(callbacks, () -> {
            throw new IllegalStateException("a listener that fails");
        });
        ListenerCalls.submit(callbacks, () -> ran.add("third"));
        callbacks.shutdown();
        assertTrue(callbacks.awaitTermination(10, TimeUnit.SECONDS), "the callback thread finished its calls");

        assertEquals(List.of("first on callbacks-under-test", "third"), ran);
    }

    @Test
    void aCallAfterTheRegistryClosedIsDroppedWithoutThrowing() {
        ExecutorService callbacks = Executors.newSingleThreadExecutor();
        callbacks.shutdown();
        List<String> ran = new CopyOnWriteArrayList<>();

        assertDoesNotThrow(() -> ListenerCalls.submit(callbacks, () -> ran.add("late")));
        assertTrue(ran.isEmpty());
    }
}
