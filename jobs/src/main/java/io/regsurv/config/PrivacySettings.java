package io.regsurv.config;

/** The salt of the legal-representative hash: only salted hashes of personal names are stored. */
public record PrivacySettings(String salt) {
  public PrivacySettings {
    if (salt == null || salt.isEmpty()) {
      throw new IllegalArgumentException("privacy.salt must not be empty");
    }
  }
}
