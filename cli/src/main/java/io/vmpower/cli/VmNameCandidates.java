package io.vmpower.cli;

import io.vmpower.core.host.VmLookup;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Completion of VM names: the added ones, then those the hypervisor knows; read at each TAB. */
public final class VmNameCandidates implements Iterable<String> {
  private final VmLookup vms;

  @Inject
  public VmNameCandidates(VmLookup vms) {
    this.vms = vms;
  }

  @Override
  public Iterator<String> iterator() {
    List<String> names = new ArrayList<>(vms.addedNames());
    for (String n : vms.hypervisorNames()) {
      if (!names.contains(n)) {
        names.add(n);
      }
    }
    return names.iterator();
  }
}
