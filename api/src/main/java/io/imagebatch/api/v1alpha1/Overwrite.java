package io.imagebatch.api.v1alpha1;

/** What happens when a variant already exists at its output path. */
public enum Overwrite {
  /** Skip a variant already written from the same source bytes and settings. */
  IfChanged,
  /** Always write. */
  Always,
  /** Never replace an existing variant. */
  Never
}
