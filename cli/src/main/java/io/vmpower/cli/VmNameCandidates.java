package io.vmpower.cli;

import io.vmpower.core.host.HostController;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Completion of VM names: the added ones, then those the hypervisor knows; read at each TAB. */
public final class VmNameCandidates implements Iterable<String> {
  private final HostController host;

  @Inject
  public VmNameCandidates(HostController host) {
    this.host = host;
  }

  @Override
  public Iterator<String> iterator() {
    List<String> names = new ArrayList<>(host.registry().names());
    for (String n : host.hypervisorVmNames()) {
      if (!names.contains(n)) {
        names.add(n);
      }
    }
    return names.iterator();
  }
}
