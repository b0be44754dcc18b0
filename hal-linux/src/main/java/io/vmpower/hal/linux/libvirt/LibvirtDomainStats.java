package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.HashMap;
import java.util.Map;

/**
 * libvirt's bulk statistics, bound with JNA (libvirt-java 0.5.4 has no {@code
 * virConnectGetAllDomainStats}): the vCPU and interface statistics of every running domain in one
 * call (one RPC to libvirtd), without waiting on a domain's job ({@code NOWAIT}).
 */
final class LibvirtDomainStats {
  private LibvirtDomainStats() {}

  /**
   * The statistics of every running domain, by name: {@code vcpu.current}, {@code vcpu.N.time}
   * (ns), {@code net.count}, {@code net.N.name}, {@code net.N.rx.pkts}, ... as libvirt names them.
   *
   * @throws IllegalStateException with libvirt's message when the call fails
   */
  static Map<String, Map<String, Object>> read(LibvirtConnect connect) {
    Pointer conn = connect.nativeHandle();
    if (conn == null) {
      throw new IllegalStateException("the libvirt connection is closed");
    }
    LibvirtNative lib = LibvirtNative.INSTANCE;
    PointerByReference ret = new PointerByReference();
    int n =
        lib.virConnectGetAllDomainStats(
            conn,
            LibvirtNative.STATS_VCPU | LibvirtNative.STATS_INTERFACE,
            ret,
            LibvirtNative.STATS_ACTIVE | LibvirtNative.STATS_NOWAIT);
    if (n < 0) {
      throw new IllegalStateException(
          "virConnectGetAllDomainStats failed: " + lib.virGetLastErrorMessage());
    }
    Pointer list = ret.getValue();
    Map<String, Map<String, Object>> out = new HashMap<>(Math.max(16, n * 2));
    if (list == null) {
      return out;
    }
    try {
      for (int i = 0; i < n; i++) {
        Pointer rec = list.getPointer((long) i * Native.POINTER_SIZE);
        if (rec == null) {
          break;
        }
        LibvirtNative.DomainStatsRecord r = new LibvirtNative.DomainStatsRecord(rec);
        String name = r.dom == null ? null : lib.virDomainGetName(r.dom);
        if (name != null) {
          out.put(name, LibvirtTypedParams.read(r.params, r.nparams));
        }
      }
    } finally {
      lib.virDomainStatsRecordListFree(list);
    }
    return out;
  }
}
