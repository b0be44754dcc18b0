package io.vmpower.hal.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads {@link Scenario} files strictly: YAML ({@code .yaml}, {@code .yml}) or JSON ({@code
 * .json}), chosen by the file name. Every problem is reported as a {@link ScenarioException} that
 * names the file, the field and what is accepted; the scenario is also checked as a whole (pinning
 * against the CPU count and so on) before it is returned.
 */
public final class ScenarioLoader {

  /** The two formats. */
  public enum Format {
    YAML,
    JSON
  }

  private ScenarioLoader() {}

  /**
   * Loads and checks a scenario file.
   *
   * @throws IOException when the file cannot be read
   * @throws ScenarioException when its content is wrong
   */
  public static Scenario load(Path file) throws IOException {
    Format format = formatOf(file);
    String text = Files.readString(file);
    return parse(text, format, file.toString());
  }

  /**
   * Parses and checks a scenario given as text; {@code source} names it in messages.
   *
   * @throws ScenarioException when the text is wrong
   */
  public static Scenario parse(String text, Format format, String source) {
    Scenario scenario;
    try {
      scenario = mapper(format).readValue(text, Scenario.class);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(describe(source, e), e);
    }
    if (scenario == null) {
      throw new ScenarioException(source + ": the scenario is empty; it needs at least 'host'");
    }
    ScenarioResolver.resolve(scenario, source);
    return scenario;
  }

  /** The format a file name asks for. */
  public static Format formatOf(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return Format.YAML;
    }
    if (name.endsWith(".json")) {
      return Format.JSON;
    }
    throw new ScenarioException(
        file + ": unknown scenario file type; name it *.yaml, *.yml (YAML) or *.json (JSON)");
  }

  static Scenario loadResource(String resource) {
    try (InputStream in = ScenarioLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the jar");
      }
      return parse(
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
          Format.YAML,
          "classpath:" + resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + resource, e);
    }
  }

  private static ObjectMapper mapper(Format format) {
    ObjectMapper m = format == Format.YAML ? new YAMLMapper() : new JsonMapper();
    m.enable(
        DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return m;
  }

  /** One clear line from a Jackson failure. */
  private static String describe(String source, JsonProcessingException e) {
    String where = location(e.getLocation());
    if (e instanceof UnrecognizedPropertyException u) {
      String accepted =
          u.getKnownPropertyIds() == null
              ? "none"
              : u.getKnownPropertyIds().stream()
                  .map(Objects::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
      return source
          + ": unknown field '"
          + path(u.getPath())
          + "'"
          + where
          + "; accepted here: "
          + accepted;
    }
    if (e instanceof InvalidFormatException f) {
      return source
          + ": field '"
          + path(f.getPath())
          + "'"
          + where
          + ": bad value '"
          + f.getValue()
          + "'; expected "
          + expected(f.getTargetType());
    }
    if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
      String detail = firstLine(m.getOriginalMessage());
      if (m.getTargetType() != null && !List.class.isAssignableFrom(m.getTargetType())) {
        detail = "expected " + expected(m.getTargetType());
      }
      return source + ": field '" + path(m.getPath()) + "'" + where + ": bad value; " + detail;
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return source
          + ": field '"
          + path(m.getPath())
          + "'"
          + where
          + ": "
          + firstLine(m.getOriginalMessage());
    }
    return source + where + ": not valid " + "YAML/JSON: " + firstLine(e.getOriginalMessage());
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "another value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object with the documented fields";
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String location(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
