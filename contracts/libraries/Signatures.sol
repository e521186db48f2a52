// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @notice Outcome of a signature check, so callers can raise a precise error or, in views,
/// report it without reverting.
enum SignatureStatus {
    Valid,
    Invalid,
    BadLength,
    Malleable
}

/// @notice Checks a signature by `signer`: ECDSA for accounts without code (65-byte signatures,
/// low-s only), ERC-1271 for contracts (a reverting or misbehaving wallet counts as invalid).
library Signatures {
    function check(
        address signer,
        bytes32 digest,
        bytes calldata signature
    ) internal view returns (SignatureStatus) {
        if (signer == address(0)) return SignatureStatus.Invalid;
        // ECDSA first: most signers are EOAs, and this spares a cold EXTCODESIZE (2,600 gas).
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return SignatureStatus.Valid;
        if (signer.code.length != 0) {
            return
                SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature)
                    ? SignatureStatus.Valid
                    : SignatureStatus.Invalid;
        }
        if (err == ECDSA.RecoverError.InvalidSignatureLength) return SignatureStatus.BadLength;
        if (err == ECDSA.RecoverError.InvalidSignatureS) return SignatureStatus.Malleable;
        return SignatureStatus.Invalid;
    }

    /// @dev Recovers an EOA signer (enclave keys and verifier keys are plain keys, never contracts).
    /// Returns address(0) for any malformed or malleable signature.
    function recover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        return err == ECDSA.RecoverError.NoError ? recovered : address(0);
    }
}
