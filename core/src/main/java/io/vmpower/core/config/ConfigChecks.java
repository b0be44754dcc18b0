package io.vmpower.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The checks the configuration records share; each failure names the key and what is accepted. */
final class ConfigChecks {
  private ConfigChecks() {}

  static Path absolutePath(String key, Path value) {
    if (!value.isAbsolute()) {
      throw new ConfigValueException(
          key, "'" + value + "' is not an absolute path; give one that starts with /");
    }
    return value.normalize();
  }

  static int range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigValueException(
          key, value + " is out of range; accepted: " + min + " to " + max);
    }
    return value;
  }

  /** An unmodifiable copy without nulls (a null entry is refused). */
  static <T> List<T> list(String key, List<T> value) {
    List<T> out = new ArrayList<>(value.size());
    for (T t : value) {
      if (t == null) {
        throw new ConfigValueException(key, "an entry is empty (null); give a value or remove it");
      }
      out.add(t);
    }
    return Collections.unmodifiableList(out);
  }
}
