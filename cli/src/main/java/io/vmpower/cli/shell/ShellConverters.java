package io.vmpower.cli.shell;

import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters from strict parsers: the parser's own message (what was wrong and what is
 * accepted) becomes picocli's, without the exception class picocli would otherwise print.
 */
public final class ShellConverters {
  private ShellConverters() {}

  /** A converter calling {@code parse}; an IllegalArgumentException becomes its message. */
  public static <T> ITypeConverter<T> of(Function<String, T> parse) {
    return text -> {
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }
}
