package io.vmpower.cli.guest;

import io.vmpower.core.power.ScaleOp;
import java.util.Arrays;
import java.util.Iterator;

/** Completion candidates: the scaling keywords {@code up}, {@code down}, ... */
final class ScaleOpCandidates implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Arrays.stream(ScaleOp.values()).map(ScaleOp::keyword).iterator();
  }
}
