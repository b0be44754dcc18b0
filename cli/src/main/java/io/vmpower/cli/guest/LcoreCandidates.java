package io.vmpower.cli.guest;

import io.vmpower.guest.PowerLibrary;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Completion candidates: the lcores initialised now, asked at each completion. */
class LcoreCandidates implements Iterable<String> {
  private final PowerLibrary library;

  LcoreCandidates(PowerLibrary library) {
    this.library = library;
  }

  List<String> names() {
    List<String> names = new ArrayList<>();
    for (int lcore : library.lcores().toArray()) {
      names.add(Integer.toString(lcore));
    }
    return names;
  }

  @Override
  public Iterator<String> iterator() {
    return names().iterator();
  }
}
