// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Settings of the task manager, changed by the hub's governance (its owner).
interface ITaskConfig {
    /// @notice Only the hub's owner governs the task manager.
    error TaskConfigUnauthorized(address caller);
    /// @notice The callback gas cap must stay within [50k, 5M].
    error CallbackGasInvalid(uint256 gas);

    /// @notice `verifier` (an SMS signing key) is now trusted (or no longer) to attest enclaves.
    event AttestationVerifierSet(address indexed verifier, bool trusted);
    event CallbackGasSet(uint256 gas);

    function setAttestationVerifier(address verifier, bool trusted) external;

    function setCallbackGas(uint256 gas) external;

    function isAttestationVerifier(address verifier) external view returns (bool);

    function callbackGas() external view returns (uint256);

    /// @notice The hub whose deals this manager executes.
    function hub() external view returns (address);
}
