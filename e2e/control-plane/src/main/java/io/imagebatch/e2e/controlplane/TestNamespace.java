package io.imagebatch.e2e.controlplane;

/** The namespace a test owns; the extension creates it before and deletes it after the test. */
public record TestNamespace(String name) {}
