package io.vmpower.core.power;

/** What a scale call did to one CPU. */
public enum ScaleOutcome {
  /** The frequency (or turbo setting) changed. */
  CHANGED,
  /** Already at the bound asked for: not an error. */
  UNCHANGED,
  /** The change could not be made; the CPU is as it was. */
  FAILED;

  /** The worse of two outcomes: FAILED over CHANGED over UNCHANGED. */
  public ScaleOutcome worst(ScaleOutcome other) {
    if (this == FAILED || other == FAILED) {
      return FAILED;
    }
    return this == CHANGED || other == CHANGED ? CHANGED : UNCHANGED;
  }
}
