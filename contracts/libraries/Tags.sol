// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Tag bitmap helpers. Bit 0 = TEE; bits 1-3 = TEE frameworks; bit 8 = GPU (as PoCo).
library Tags {
    bytes32 internal constant TEE = bytes32(uint256(1));

    function isTee(bytes32 tag) internal pure returns (bool) {
        return tag & TEE != 0;
    }

    /// @dev True when every bit of `required` is also set in `offered`.
    function isSubset(bytes32 required, bytes32 offered) internal pure returns (bool) {
        return required & ~offered == 0;
    }
}
