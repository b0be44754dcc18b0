package io.vmpower.hal.linux.libvirt;

import org.libvirt.Error;
import org.libvirt.LibvirtException;

/** What a {@link LibvirtException} says, read safely. */
final class LibvirtErrors {
  private LibvirtErrors() {}

  static boolean is(LibvirtException e, Error.ErrorNumber code) {
    Error error = e.getError();
    return error != null && error.getCode() == code;
  }

  static boolean noDomain(LibvirtException e) {
    return is(e, Error.ErrorNumber.VIR_ERR_NO_DOMAIN);
  }

  /** libvirt's own message, or the exception's when libvirt gave none. */
  static String message(LibvirtException e) {
    Error error = e.getError();
    String message = error == null ? null : error.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getMessage();
    }
    return message == null ? e.getClass().getSimpleName() : message.trim();
  }
}
