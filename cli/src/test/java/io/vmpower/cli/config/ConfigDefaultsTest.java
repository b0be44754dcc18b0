package io.vmpower.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.config.VmsSettings;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * docs/configuration.md is the reference of every key: one test per documented key checks that the
 * default it states is the default an empty file gets, and one test that every key the records have
 * is documented (and no other).
 */
class ConfigDefaultsTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z.A-Z-]+)` \\| `([^`]*)` \\|");

  /** key -> documented default, from the table of docs/configuration.md. */
  static Map<String, String> documented() throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String line : Files.readAllLines(DOC)) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        keys.put(m.group(1), m.group(2));
      }
    }
    return keys;
  }

  @TestFactory
  Stream<DynamicTest> eachDocumentedDefaultIsTheDefaultOfAnEmptyFile() throws Exception {
    VmPowerConfig empty = ConfigLoader.parse("", "empty.yaml");
    Map<String, String> keys = documented();
    assertTrue(keys.size() >= 16, "the table was found: " + keys.keySet());
    return keys.entrySet().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey() + " defaults to " + e.getValue(),
                    () ->
                        assertEquals(e.getValue(), render(value(empty, e.getKey())), e.getKey())));
  }

  @Test
  void everyKeyOfTheRecordsIsDocumentedAndNothingElse() throws Exception {
    assertEquals(
        new TreeSet<>(keys(VmPowerConfig.class, "")), new TreeSet<>(documented().keySet()));
  }

  @Test
  void theDocumentedExampleIsAValidFile() throws Exception {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
    String example = doc.substring(start, doc.indexOf("```", start));
    VmPowerConfig c = ConfigLoader.parse(example, "docs/configuration.md example");
    assertEquals(List.of(64055L), c.channels().allowedPeerUids());
    assertTrue(c.vms().of("web1").queries());
    assertFalse(c.vms().of("other").queries());
  }

  /** The kebab-case keys of a record, recursively; a map of per-VM settings as {@code NAME}. */
  private static List<String> keys(Class<?> record, String prefix) {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : record.getRecordComponents()) {
      String key = prefix + kebab(c.getName());
      Class<?> type = c.getType();
      if (type.isRecord() && !type.getPackageName().equals("java.lang") && sectionRecord(type)) {
        out.addAll(keys(type, key + "."));
      } else {
        out.add(key);
        if (record == VmsSettings.class && c.getName().equals("settings")) {
          out.addAll(keys(io.vmpower.core.config.VmSettings.class, key + ".NAME."));
        }
      }
    }
    return out;
  }

  /** A section of the file (a record of its own keys), not a value such as ManagedVms. */
  private static boolean sectionRecord(Class<?> type) {
    return type != io.vmpower.core.config.ManagedVms.class;
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The value at a documented key, e.g. {@code channels.max-per-vm}. */
  private static Object value(VmPowerConfig config, String key) throws Exception {
    Object at = config;
    String[] parts = key.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      if (at instanceof VmsSettings v && parts[i].equals("settings") && i + 1 < parts.length) {
        at = v.of(parts[++i]); // NAME: a VM without settings of its own
        continue;
      }
      Object current = at;
      String part = parts[i];
      RecordComponent c =
          Stream.of(current.getClass().getRecordComponents())
              .filter(rc -> kebab(rc.getName()).equals(part))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no key '" + part + "' in " + key));
      at = c.getAccessor().invoke(current);
    }
    return at;
  }

  /** A value as the table writes it. */
  private static String render(Object v) {
    if (v == null) {
      return "none";
    }
    if (v instanceof String text && text.isEmpty()) {
      return "\"\"";
    }
    if (v instanceof Collection<?> list) {
      return list.stream()
          .map(ConfigDefaultsTest::render)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof Map<?, ?> map) {
      return map.isEmpty() ? "{}" : map.toString();
    }
    return v.toString();
  }
}
