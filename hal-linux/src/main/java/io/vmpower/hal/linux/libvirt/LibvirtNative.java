package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

/** The few libvirt C functions libvirt-java 0.5.4 does not expose, bound with JNA. */
interface LibvirtNative extends Library {
  LibvirtNative INSTANCE = Native.load("virt", LibvirtNative.class);

  /** VIR_DOMAIN_EVENT_ID_TUNABLE in libvirt-domain.h. */
  int EVENT_ID_TUNABLE = 17;

  /**
   * virConnectDomainEventTunableCallback: {@code (virConnectPtr conn, virDomainPtr dom,
   * virTypedParameterPtr params, int nparams, void *opaque)}.
   */
  interface TunableCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, Pointer params, int nparams, Pointer opaque);
  }

  /** virTypedParameter: a NUL-terminated name of 80 bytes, a type and an 8-byte union. */
  @Structure.FieldOrder({"field", "type", "value"})
  class TypedParameter extends Structure {
    /** VIR_TYPED_PARAM_FIELD_LENGTH. */
    public static final int FIELD_LENGTH = 80;

    public byte[] field = new byte[FIELD_LENGTH];
    public int type;
    public long value;

    public TypedParameter() {}

    /** The parameter at {@code p}, read. */
    public TypedParameter(Pointer p) {
      super(p);
      read();
    }
  }

  /** virTypedParameterType values. */
  int PARAM_INT = 1;

  int PARAM_UINT = 2;
  int PARAM_LLONG = 3;
  int PARAM_ULLONG = 4;
  int PARAM_DOUBLE = 5;
  int PARAM_BOOLEAN = 6;
  int PARAM_STRING = 7;

  /** virDomainStatsTypes: VIR_DOMAIN_STATS_VCPU and VIR_DOMAIN_STATS_INTERFACE. */
  int STATS_VCPU = 1 << 3;

  int STATS_INTERFACE = 1 << 4;

  /** VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE. */
  int STATS_ACTIVE = 1;

  /** VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT: what needs no domain job (never waits on one). */
  int STATS_NOWAIT = 1 << 29;

  /** virDomainStatsRecord: {@code virDomainPtr dom; virTypedParameterPtr params; int nparams}. */
  @Structure.FieldOrder({"dom", "params", "nparams"})
  class DomainStatsRecord extends Structure {
    public Pointer dom;
    public Pointer params;
    public int nparams;

    public DomainStatsRecord(Pointer p) {
      super(p);
      read();
    }
  }

  /**
   * virConnectGetAllDomainStats: every (active) domain's statistics in one call; {@code retStats}
   * gets a NULL-terminated array of record pointers, freed with {@link
   * #virDomainStatsRecordListFree}. Returns the number of records, or -1.
   */
  int virConnectGetAllDomainStats(Pointer conn, int stats, PointerByReference retStats, int flags);

  void virDomainStatsRecordListFree(Pointer stats);

  int virConnectDomainEventRegisterAny(
      Pointer conn,
      Pointer dom,
      int eventId,
      TunableCallback callback,
      Pointer opaque,
      Pointer free);

  int virConnectDomainEventDeregisterAny(Pointer conn, int callbackId);

  String virDomainGetName(Pointer dom);

  String virGetLastErrorMessage();
}
