package org.fleetj.fleetd.api;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fleetj.unit.GoQuote;

/**
 * A PATCH of machine metadata in fleet v1.0's format, which fleet's clients send: a JSON array of
 * {@code {"op": "add"|"replace"|"remove", "path": "/<machineID>/metadata/<key>", "value": {"value": "<text>"}}}.
 * Keys are letters, digits, {@code _ . -}. The whole patch is validated before anything is applied (one bad
 * operation changes nothing), then applied in order; an unknown machine id is accepted, as fleet does.
 */
record MetadataPatch(List<Change> changes) {
    private static final Pattern PATH = Pattern.compile("^/([^/]+)/metadata/([A-Za-z0-9_.-]+)$");
    private static final TypeReference<List<Operation>> OPERATIONS = new TypeReference<>() {
    };

    /** Sets {@code key} of {@code machineId} to {@code value}, or removes it when {@code value} is null. */
    record Change(String machineId, String key, String value) {
    }

    /** One operation as sent; field names match in any case and unknown fields are ignored, as fleet's decoder does. */
    record Operation(String op, String path, Value value) {
    }

    record Value(String value) {
    }

    static MetadataPatch parse(byte[] body) throws ApiException {
        List<Operation> ops = JsonBodies.read(body, ApiJson.MAPPER.getTypeFactory().constructType(OPERATIONS));
        List<Change> changes = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            String where = "operation " + (i + 1);
            if (op == null) throw ApiException.badRequest(where + " is null; expected {\"op\", \"path\", \"value\"}");
            String kind = op.op() == null ? "" : op.op();
            if (!kind.equals("add") && !kind.equals("remove") && !kind.equals("replace")) {
                throw ApiException.badRequest("invalid op: expect add, remove, or replace (" + where + " has " + GoQuote.q(kind) + ")");
            }
            Matcher m = PATH.matcher(op.path() == null ? "" : op.path());
            if (!m.matches()) {
                throw ApiException.badRequest("machine metadata path invalid: " + where + " has " + GoQuote.q(String.valueOf(op.path()))
                        + "; expected /<machineID>/metadata/<key>, the key made of letters, digits, '_', '.' and '-'");
            }
            String value = op.value() == null ? null : op.value().value();
            if (!kind.equals("remove") && (value == null || value.isEmpty())) {
                throw ApiException.badRequest("invalid value: add and replace require a value (" + where
                        + ": give \"value\": {\"value\": \"<text>\"})");
            }
            if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw ApiException.badRequest("invalid value: " + where + " has a control character in its value");
            }
            changes.add(new Change(m.group(1), m.group(2), kind.equals("remove") ? null : value));
        }
        return new MetadataPatch(changes);
    }
}
