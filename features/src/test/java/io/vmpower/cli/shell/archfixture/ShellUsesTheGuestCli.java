package io.vmpower.cli.shell.archfixture;

import io.vmpower.cli.guest.GuestMain;

/** Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: shell uses a program. */
final class ShellUsesTheGuestCli {
  Class<?> used = GuestMain.class;
}
