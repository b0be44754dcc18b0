package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

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
  }

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
