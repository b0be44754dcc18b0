package io.vmpower.core.power;

import io.vmpower.core.wire.Wire;
import java.util.Locale;

/** A frequency change a guest or an operator asks for; the wire units 1 to 6. */
public enum ScaleOp {
  UP(Wire.SCALE_UP),
  DOWN(Wire.SCALE_DOWN),
  MAX(Wire.SCALE_MAX),
  MIN(Wire.SCALE_MIN),
  ENABLE_TURBO(Wire.ENABLE_TURBO),
  DISABLE_TURBO(Wire.DISABLE_TURBO);

  private final int unit;

  ScaleOp(int unit) {
    this.unit = unit;
  }

  public int unit() {
    return unit;
  }

  /** The CLI keyword: {@code up}, {@code down}, {@code max}, {@code min}, {@code enable_turbo}. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The operation of a wire unit, or null for an unknown unit. Allocation-free. */
  public static ScaleOp fromUnit(int unit) {
    return switch (unit) {
      case Wire.SCALE_UP -> UP;
      case Wire.SCALE_DOWN -> DOWN;
      case Wire.SCALE_MAX -> MAX;
      case Wire.SCALE_MIN -> MIN;
      case Wire.ENABLE_TURBO -> ENABLE_TURBO;
      case Wire.DISABLE_TURBO -> DISABLE_TURBO;
      default -> null;
    };
  }

  /** Parses a CLI keyword, strictly. */
  public static ScaleOp parse(String keyword) {
    for (ScaleOp op : values()) {
      if (op.keyword().equals(keyword)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown scaling '" + keyword + "': use up, down, min, max, enable_turbo or disable_turbo");
  }
}
