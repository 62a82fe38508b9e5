package org.fleetj.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.fleetj.unit.InvalidUnitNameException.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"foo.service", "foo@.service", "foo@1.service", "a:b_c-d.e.socket", "x.mount",
        "dev-sda1.device", "foo@bar.timer", "foo@x.path", "multi-user.target", "foo@a.target", "a.automount",
        "a.busname", "a.scope", "a.slice", "a.snapshot", "a.swap", "A1.service", "foo.bar.service"})
    void acceptsValidNames(String name) throws InvalidUnitNameException {
        assertEquals(name, UnitName.of(name).full());
        assertTrue(UnitName.isValid(name));
    }

    @Test
    void acceptsExactly255CharactersSystemdsLimit() throws InvalidUnitNameException {
        String name = "a".repeat(255 - ".service".length()) + ".service";
        assertEquals(255, name.length());
        assertEquals(name, UnitName.of(name).full());
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of("", Rule.LENGTH, "1 to 255"),
                Arguments.of(null, Rule.LENGTH, "1 to 255"),
                Arguments.of("a".repeat(248) + ".service", Rule.LENGTH, "1 to 255 characters long, systemd's limit for unit names (has 256)"),
                Arguments.of("foo", Rule.MISSING_SUFFIX, "no '.'"),
                Arguments.of("foo.", Rule.ENDS_WITH_DOT, "end with '.'"),
                Arguments.of("foo.service.", Rule.ENDS_WITH_DOT, "end with '.'"),
                Arguments.of(".service", Rule.EMPTY_NAME, "before the type"),
                Arguments.of("foo.bar", Rule.UNKNOWN_TYPE, "\"bar\""),
                Arguments.of("foo.Service", Rule.UNKNOWN_TYPE, "\"Service\""),
                Arguments.of("foo@1.mount", Rule.TEMPLATE_TYPE, "\"mount\""),
                Arguments.of("foo@.device", Rule.TEMPLATE_TYPE, "\"device\""),
                Arguments.of("foo bar.service", Rule.CHARACTERS, "U+0020"),
                Arguments.of("foo/bar.service", Rule.CHARACTERS, "'/'"),
                Arguments.of("foo%i.service", Rule.CHARACTERS, "'%'"),
                Arguments.of("grüße.service", Rule.CHARACTERS, "'ü'"),
                Arguments.of("@foo.service", Rule.STARTS_WITH_AT, "start with '@'"),
                Arguments.of("@.service", Rule.STARTS_WITH_AT, "start with '@'"));
    }

    @org.junit.jupiter.api.Test
    void systemdEscapedNamesAreValidAsInFleet() throws InvalidUnitNameException {
        assertEquals("cf-esc\\x2d:a_b.service", UnitName.of("cf-esc\\x2d:a_b.service").full());
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void rejectsNamingTheRule(String name, Rule rule, String fragment) {
        InvalidUnitNameException e = assertThrows(InvalidUnitNameException.class, () -> UnitName.of(name));
        assertEquals(rule, e.rule(), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid unit name "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        assertFalse(UnitName.isValid(name));
        // Typed, and still a UnitParseException for callers that handle all unit errors alike.
        assertTrue(e instanceof UnitParseException);
    }

    @Test
    void instanceParts() throws InvalidUnitNameException {
        UnitName n = UnitName.of("foo@bar.service");
        assertTrue(n.isInstance());
        assertFalse(n.isTemplate());
        assertEquals("foo@bar.service", n.full());
        assertEquals("foo@bar", n.withoutSuffix());
        assertEquals("foo", n.prefix());
        assertEquals("bar", n.instance());
        assertEquals("service", n.type());
        assertEquals(Optional.of(UnitName.of("foo@.service")), n.templateName());
    }

    @Test
    void instanceIsBetweenFirstAtAndLastDot() throws InvalidUnitNameException {
        UnitName n = UnitName.of("a.b@c.d@e.socket");
        assertEquals("a.b", n.prefix());
        assertEquals("c.d@e", n.instance());
        assertEquals("a.b@.socket", n.templateName().orElseThrow().full());
    }

    @Test
    void templateParts() throws InvalidUnitNameException {
        UnitName t = UnitName.of("foo@.service");
        assertTrue(t.isTemplate());
        assertFalse(t.isInstance());
        assertEquals("foo", t.prefix());
        assertEquals("", t.instance());
        assertEquals(Optional.of(t), t.templateName());
        assertEquals(UnitName.of("foo@2.service"), t.instantiate("2"));
    }

    @Test
    void plainUnitParts() throws InvalidUnitNameException {
        UnitName p = UnitName.of("web.service");
        assertFalse(p.isTemplate());
        assertFalse(p.isInstance());
        assertEquals("web", p.prefix());
        assertEquals("web", p.withoutSuffix());
        assertEquals("", p.instance());
        assertEquals(Optional.empty(), p.templateName());
        assertThrows(InvalidUnitNameException.class, () -> p.instantiate("1"));
    }

    @Test
    void instantiatingWithABadInstanceFailsValidation() throws InvalidUnitNameException {
        InvalidUnitNameException e = assertThrows(InvalidUnitNameException.class,
                () -> UnitName.of("foo@.service").instantiate("a b"));
        assertEquals(Rule.CHARACTERS, e.rule());
    }

    static Stream<Arguments> mangling() {
        return Stream.of(
                Arguments.of("hello", "hello.service"),
                Arguments.of("hello.service", "hello.service"),
                Arguments.of("hello@1", "hello@1.service"),
                Arguments.of("units/web.service", "web.service"),
                Arguments.of("/abs/path/x.socket", "x.socket"),
                Arguments.of("./examples/helloworld@.service", "helloworld@.service"),
                Arguments.of("a.timer", "a.timer"),
                Arguments.of("a.path", "a.path"),
                Arguments.of("a.device", "a.device"),
                Arguments.of("a.mount", "a.mount"),
                Arguments.of("a.automount", "a.automount"),
                // fleetctl does not recognise .target (or .slice, ...) and appends .service, as fleet did.
                Arguments.of("a.target", "a.target.service"),
                Arguments.of("foo.bar", "foo.bar.service"),
                Arguments.of("dir/", "dir.service"),
                Arguments.of("", "..service"));
    }

    @ParameterizedTest
    @MethodSource("mangling")
    void manglesLikeFleetctl(String arg, String expected) {
        assertEquals(expected, UnitName.mangle(arg));
    }
}
