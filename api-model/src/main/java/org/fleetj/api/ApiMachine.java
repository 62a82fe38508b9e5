package org.fleetj.api;

import java.util.Map;

/** fleet v1 API "Machine": {@code {"id","primaryIP","metadata":{}}}. */
public record ApiMachine(String id, String primaryIP, Map<String, String> metadata) {
    public ApiMachine {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
