package io.vmpower.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.ConfigValueException;
import io.vmpower.core.config.ManagedVms;
import io.vmpower.core.config.VmPowerConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads the configuration file ({@code /etc/vmpower/vmpower.yaml} by default) strictly, with
 * Jackson's YAML binding of the records of {@code io.vmpower.core.config}: keys in kebab case, an
 * unknown key, a key given twice, a value of the wrong type or out of range, and text that is not
 * YAML are each refused with one line naming the file, the line and column, the key, what was wrong
 * and what is accepted (for an unknown key: the keys accepted there). An empty file is every
 * default.
 */
public final class ConfigLoader {
  /** The most bytes a configuration file may have: it is a few lines, never megabytes. */
  static final long MAX_BYTES = 1 << 20;

  private static final YAMLMapper MAPPER = mapper();

  private ConfigLoader() {}

  /**
   * Reads {@code file}; when it does not exist, the defaults if {@code required} is false (the
   * default file may be missing), else an error.
   */
  public static VmPowerConfig load(Path file, boolean required) throws ConfigException {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException(
            file
                + ": "
                + Files.size(file)
                + " bytes is too long for a configuration file (at most "
                + MAX_BYTES
                + ")");
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      if (!required) {
        return VmPowerConfig.defaults();
      }
      throw new ConfigException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read it: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses the text of a configuration file; {@code source} names it in messages.
   *
   * @throws ConfigException one line: {@code SOURCE:LINE:COLUMN: KEY: what is wrong; accepted: ...}
   */
  public static VmPowerConfig parse(String text, String source) throws ConfigException {
    try {
      if (empty(text)) {
        return VmPowerConfig.defaults(); // nothing but comments: every default
      }
      VmPowerConfig c = MAPPER.readValue(text, VmPowerConfig.class);
      return c == null ? VmPowerConfig.defaults() : c;
    } catch (JsonProcessingException e) {
      throw new ConfigException(describe(source, text, e), e);
    } catch (ConfigValueException e) {
      // a record's check outside Jackson's wrapping (not expected; reported all the same)
      throw new ConfigException(source + ": " + e.key() + ": " + e.getMessage(), e);
    }
  }

  /** Whether the text holds no YAML value at all (empty, blank or only comments). */
  private static boolean empty(String text) throws JsonProcessingException {
    try (JsonParser p = MAPPER.createParser(text)) {
      return p.nextToken() == null;
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      return false; // let the binding report it
    }
  }

  private static YAMLMapper mapper() {
    YAMLMapper m = new YAMLMapper();
    m.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    m.enable(
        DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    m.registerModule(
        new SimpleModule("vmpower-config")
            .addDeserializer(ManagedVms.class, new ManagedVmsDeserializer()));
    return m;
  }

  /** One line from a Jackson failure. */
  static String describe(String source, String text, JsonProcessingException e) {
    if (e.getCause() instanceof StreamReadException syntax && e instanceof JsonMappingException) {
      e = syntax; // a syntax error met while binding
    }
    if (!(e instanceof JsonMappingException m)) {
      String msg = oneLine(e.getOriginalMessage());
      if (msg.startsWith("Duplicate field")) {
        return source
            + at(e.getLocation())
            + ": "
            + msg.replace("Duplicate field", "the key")
            + " is given twice; give each key once";
      }
      return source + at(e.getLocation()) + ": not valid YAML: " + msg;
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String accepted =
          u.getKnownPropertyIds() == null
              ? "none"
              : u.getKnownPropertyIds().stream()
                  .map(Objects::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
      String key = path(m.getPath(), null);
      return source
          + locate(text, m.getPath(), null, true, e.getLocation())
          + ": unknown key '"
          + key
          + "'; accepted here: "
          + accepted
          + (key.equals("policies")
              ? " (the policies section comes with the policy engine: see docs/configuration.md)"
              : "");
    }
    if (e instanceof ValueInstantiationException v
        && v.getCause() instanceof ConfigValueException c) {
      return source
          + locate(text, m.getPath(), c.key(), false, e.getLocation())
          + ": "
          + path(m.getPath(), c.key())
          + ": "
          + c.getMessage();
    }
    String where = locate(text, m.getPath(), null, false, e.getLocation());
    String key = path(m.getPath(), null);
    String prefix = source + where + ": " + (key.isEmpty() ? "the file" : key) + ": ";
    if (e instanceof ValueInstantiationException v
        && v.getCause() instanceof IllegalArgumentException refused) {
      return prefix + refused.getMessage(); // a section's record refused it, saying why
    }
    if (e instanceof MismatchedInputException mi && mi.getTargetType() == ManagedVms.class) {
      return prefix + oneLine(mi.getOriginalMessage());
    }
    if (e instanceof InvalidFormatException f) {
      return prefix + "'" + f.getValue() + "' is not " + expected(f.getTargetType());
    }
    if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      return prefix + "expected " + expected(mi.getTargetType());
    }
    return prefix + oneLine(m.getOriginalMessage());
  }

  static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Path.class) {
      return "a path";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list, like [a, b] or one '- item' per line";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a section of 'key: value' lines";
    }
    return "a " + type.getSimpleName();
  }

  /** {@code channels.allowed-peer-uids[1]}, with {@code key} appended when not null. */
  private static String path(List<JsonMappingException.Reference> refs, String key) {
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
    if (key != null) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(key);
    }
    return sb.toString();
  }

  /**
   * Where the key at {@code refs} (+ {@code key}) is written: Jackson reports some failures (an
   * unknown key of a record, a record's refusal) at the end of the enclosing section, so the key is
   * looked up by its path: the key itself when {@code atKey}, else its value.
   */
  private static String locate(
      String text,
      List<JsonMappingException.Reference> refs,
      String key,
      boolean atKey,
      JsonLocation fallback) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      String part = r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex());
      pointer.append('/').append(escape(part));
    }
    if (key != null) {
      pointer.append('/').append(escape(key));
    }
    if (pointer.length() == 0) {
      return at(fallback);
    }
    JsonPointer target = JsonPointer.compile(pointer.toString());
    try (JsonParser p = MAPPER.createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (!p.getParsingContext().pathAsPointer().equals(target)) {
          continue;
        }
        if (t == JsonToken.FIELD_NAME && !atKey) {
          p.nextToken(); // the value
          return at(p.currentTokenLocation());
        }
        if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
          return at(p.currentTokenLocation());
        }
      }
    } catch (IOException again) {
      // the text is broken further on: keep Jackson's own location
    }
    return at(fallback);
  }

  private static String escape(String part) {
    return part.replace("~", "~0").replace("/", "~1");
  }

  private static String at(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  /** A parser message on one line: its text lines without the quoted snippets and positions. */
  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return s.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(String::strip)
        .collect(Collectors.joining("; "));
  }
}
