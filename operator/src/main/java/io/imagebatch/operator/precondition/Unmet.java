package io.imagebatch.operator.precondition;

/**
 * Why a batch cannot start yet, with what the user must do.
 *
 * @param reason a CamelCase condition reason
 * @param message what is missing and what to create
 */
public record Unmet(String reason, String message) {}
