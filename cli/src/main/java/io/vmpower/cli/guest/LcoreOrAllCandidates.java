package io.vmpower.cli.guest;

import io.vmpower.guest.PowerLibrary;
import java.util.List;

/** Completion candidates: the lcores initialised now, and {@code all}. */
final class LcoreOrAllCandidates extends LcoreCandidates {
  LcoreOrAllCandidates(PowerLibrary library) {
    super(library);
  }

  @Override
  List<String> names() {
    List<String> names = super.names();
    names.add("all");
    return names;
  }
}
