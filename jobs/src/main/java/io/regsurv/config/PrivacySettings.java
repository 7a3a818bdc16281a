package io.regsurv.config;

/**
 * The salt of the legal-representative hash: only salted hashes of personal names are stored.
 *
 * <p>{@code salt} is null when none is configured; the warehouse then supplies its own random one
 * ({@code io.WarehouseSalt}).
 */
public record PrivacySettings(String salt) {
  /**
   * The placeholder older default configs shipped. It is public, so hashes of two-to-four-character
   * names salted with it are reversible by enumeration: a config that still carries it is treated as
   * having no salt at all, and the warehouse's random salt is used instead.
   */
  public static final String OLD_PLACEHOLDER = "regsurv-default-salt-change-me";

  public PrivacySettings {
    if (salt != null && (salt.isBlank() || salt.equals(OLD_PLACEHOLDER))) {
      salt = null;
    }
  }

  /** True when the configuration names a salt of its own (it then wins over the warehouse's). */
  public boolean configured() {
    return salt != null;
  }

  /** Never shows the salt: a record's default toString would put it in any log of the config. */
  @Override
  public String toString() {
    return "PrivacySettings[salt=" + (configured() ? "(configured)" : "(warehouse)") + "]";
  }
}
