package org.fleetj.fleetctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void startAndList() {
        try (SimFleet f = new SimFleet(SimFleet.Transport.UNIX)) {
            f.machine(SimFleet.M1, "127.0.0.1", Map.of("region", "local", "role", "peer"));
            var hello = f.unitFile("hello.service", "[Unit]\nDescription=Hello loop\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; sleep 1; done'\n");
            long t0 = System.nanoTime();
            System.out.println(f.ctl("list-machines"));
            System.out.println(f.ctl("submit", hello.toString()));
            System.out.println(f.ctl("list-unit-files"));
            System.out.println(f.ctl("start", hello.toString()));
            System.out.println(f.ctl("list-units"));
            System.out.println(f.ctl("list-unit-files"));
            System.out.println(f.ctl("stop", "hello"));
            System.out.println(f.ctl("unload", "hello"));
            System.out.println(f.ctl("destroy", "hello"));
            System.out.println(f.ctl("destroy", "hello"));
            System.out.println((System.nanoTime() - t0) / 1e6 + " ms");
        }
    }
}
