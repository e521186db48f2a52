// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDatasetGrants} from "../interfaces/IDatasetGrants.sol";
import {Config} from "./Config.sol";

/// @notice Implements {IDatasetGrants}; see the interface for the NatSpec.
abstract contract DatasetGrants is IDatasetGrants, Config {
    mapping(address dataset => bool) private _grantsRequired;
    mapping(bytes32 grantKey => Grant) private _grants;

    modifier onlyDatasetOwner(address dataset) {
        if (_datasetRegistry.ownerOfAsset(dataset) != msg.sender) {
            revert GrantNotDatasetOwner(dataset, msg.sender);
        }
        _;
    }

    /// @inheritdoc IDatasetGrants
    function setGrantsRequired(address dataset, bool required) external onlyDatasetOwner(dataset) {
        _grantsRequired[dataset] = required;
        emit DatasetGrantsRequired(dataset, required);
    }

    /// @inheritdoc IDatasetGrants
    function grantDatasetUse(
        address dataset,
        address app,
        address requester,
        uint64 uses,
        uint64 expiry
    ) external onlyDatasetOwner(dataset) {
        if (uses == 0 || expiry <= block.timestamp) revert GrantParamsInvalid(uses, expiry);
        bytes32 key = _grantKey(dataset, msg.sender, app, requester);
        _grants[key] = Grant({uses: uses, used: 0, expiry: expiry, revoked: false});
        emit DatasetGrantSet(key, dataset, app, requester, uses, expiry);
    }

    /// @inheritdoc IDatasetGrants
    function revokeDatasetGrant(
        address dataset,
        address app,
        address requester
    ) external onlyDatasetOwner(dataset) {
        bytes32 key = _grantKey(dataset, msg.sender, app, requester);
        if (_grants[key].uses == 0) revert GrantMissing(dataset, app, requester);
        _grants[key].revoked = true;
        emit DatasetGrantRevoked(key, dataset);
    }

    /// @inheritdoc IDatasetGrants
    function grantsRequired(address dataset) external view returns (bool) {
        return _grantsRequired[dataset];
    }

    /// @inheritdoc IDatasetGrants
    function grantKey(
        address dataset,
        address app,
        address requester
    ) external view returns (bytes32) {
        return _grantKey(dataset, _datasetRegistry.ownerOfAsset(dataset), app, requester);
    }

    /// @inheritdoc IDatasetGrants
    function grantOf(bytes32 key) external view returns (Grant memory) {
        return _grants[key];
    }

    /// @inheritdoc IDatasetGrants
    function isGrantLive(bytes32 key) external view returns (bool) {
        Grant memory g = _grants[key];
        return g.uses != 0 && !g.revoked && block.timestamp <= g.expiry;
    }

    /// @dev Grants belong to the owner who gave them: the key includes the owner, so a new owner of
    /// the dataset token starts with none and the previous owner's grants stop matching.
    function _grantKey(
        address dataset,
        address owner,
        address app,
        address requester
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(dataset, owner, app, requester));
    }

    /// @dev The grant of `owner` (the dataset's current owner) that governs (dataset, app,
    /// requester) for a match. Returns the key (zero when the dataset does not require grants), the
    /// uses left, and the ABI-encoded error if none is live.
    function _grantForMatch(
        address dataset,
        address owner,
        address app,
        address requester
    ) internal view returns (bytes32 key, uint256 usesLeft, bytes memory failure) {
        if (!_grantsRequired[dataset]) return (bytes32(0), type(uint256).max, "");
        key = _grantKey(dataset, owner, app, requester);
        Grant memory g = _grants[key];
        if (g.uses == 0) {
            key = _grantKey(dataset, owner, app, address(0));
            g = _grants[key];
        }
        if (g.uses == 0) {
            failure = abi.encodeWithSelector(GrantMissing.selector, dataset, app, requester);
        } else if (g.revoked) {
            failure = abi.encodeWithSelector(GrantRevoked.selector, key);
        } else if (block.timestamp > g.expiry) {
            failure = abi.encodeWithSelector(GrantExpired.selector, key, g.expiry);
        } else if (g.used >= g.uses) {
            failure = abi.encodeWithSelector(GrantExhausted.selector, key, g.uses);
        } else {
            usesLeft = g.uses - g.used;
        }
    }

    function _useGrant(bytes32 key, bytes32 dealId, uint256 uses) internal {
        // Cannot exceed uint64: uses <= usesLeft, checked in _grantForMatch.
        _grants[key].used += uint64(uses);
        emit DatasetGrantUsed(key, dealId, uses);
    }
}
