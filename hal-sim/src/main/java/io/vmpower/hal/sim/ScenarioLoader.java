package io.vmpower.hal.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
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
import java.nio.charset.StandardCharsets;
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
    Path base = file.toAbsolutePath().getParent();
    return parse(text, format, file.toString(), base);
  }

  /**
   * Parses and checks a scenario given as text; {@code source} names it in messages.
   *
   * @throws ScenarioException when the text is wrong
   */
  public static Scenario parse(String text, Format format, String source) {
    return parse(text, format, source, null);
  }

  /** As {@link #parse(String, Format, String)}, relative trace files taken from {@code base}. */
  static Scenario parse(String text, Format format, String source, Path base) {
    Scenario scenario;
    ObjectMapper mapper = mapper(format);
    try {
      scenario = mapper.readValue(text, Scenario.class);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(describe(source, format, e, locate(mapper, text, e)), e);
    }
    if (scenario == null) {
      throw new ScenarioException(source + ": the scenario is empty; it needs at least 'host'");
    }
    scenario = scenario.withTraceBase(base);
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
          new String(in.readAllBytes(), StandardCharsets.UTF_8),
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

  /**
   * Where the failing field is written. Jackson reports some failures (unknown fields of records)
   * only at the end of the enclosing object, so the field is looked up by its path instead.
   */
  private static String locate(ObjectMapper mapper, String text, JsonProcessingException e) {
    if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
      return location(e.getLocation());
    }
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      String part = r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex());
      pointer.append('/').append(part.replace("~", "~0").replace("/", "~1"));
    }
    JsonPointer target = JsonPointer.compile(pointer.toString());
    try (JsonParser p = mapper.createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (p.getParsingContext().pathAsPointer().equals(target)
            && (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart())) {
          return location(p.currentTokenLocation());
        }
      }
    } catch (IOException again) {
      // the text is broken further on: keep Jackson's own location
    }
    return location(e.getLocation());
  }

  /** One clear line from a Jackson failure. */
  private static String describe(
      String source, Format format, JsonProcessingException e, String where) {
    if (e.getCause() instanceof StreamReadException syntax && e instanceof JsonMappingException) {
      e = syntax; // a syntax error met while binding: report it as such
    }
    if (!(e instanceof JsonMappingException)) {
      return source
          + location(e.getLocation())
          + ": not valid "
          + format
          + ": "
          + oneLine(e.getOriginalMessage());
    }
    JsonMappingException m = (JsonMappingException) e;
    if (m.getPath().isEmpty() && String.valueOf(m.getOriginalMessage()).startsWith("No content")) {
      return source + ": the scenario is empty; it needs at least 'host'";
    }
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
    String field = source + ": field '" + path(m.getPath()) + "'" + where;
    if (e instanceof InvalidFormatException f) {
      return field + ": bad value '" + f.getValue() + "'; expected " + expected(f.getTargetType());
    }
    if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      boolean ours = mi.getTargetType() == List.class; // our channel list: its message says it all
      return field
          + ": bad value; "
          + (ours ? oneLine(mi.getOriginalMessage()) : "expected " + expected(mi.getTargetType()));
    }
    return field + ": " + oneLine(m.getOriginalMessage());
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
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list, like [a, b] or one '- item' per line";
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

  /** A parser message on one line: its text lines without the quoted snippets and positions. */
  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return s.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(String::strip)
        .collect(Collectors.joining("; "));
  }
}
