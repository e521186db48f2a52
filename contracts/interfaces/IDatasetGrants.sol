// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Per-(app, requester) usage grants a dataset owner adds on top of dataset orders. When a
/// dataset requires grants, matching consumes one use per task and fails without a live grant; the
/// SMS re-checks the grant before releasing the dataset key.
/// @dev `requester == address(0)` grants the app to any requester; an exact grant wins over it.
/// Keys are keccak256(abi.encode(dataset, owner, app, requester)).
interface IDatasetGrants {
    /// @dev One slot. `uses` is the total allowed, `used` what deals consumed.
    struct Grant {
        uint64 uses;
        uint64 used;
        uint64 expiry;
        bool revoked;
    }

    /// @notice Only the current owner of the dataset may manage its grants.
    error GrantNotDatasetOwner(address dataset, address caller);
    /// @notice A grant needs at least one use and an expiry in the future.
    error GrantParamsInvalid(uint256 uses, uint256 expiry);
    error GrantMissing(address dataset, address app, address requester);
    error GrantRevoked(bytes32 grantKey);
    error GrantExpired(bytes32 grantKey, uint256 expiry);
    error GrantExhausted(bytes32 grantKey, uint256 uses);

    event DatasetGrantsRequired(address indexed dataset, bool required);
    event DatasetGrantSet(
        bytes32 indexed grantKey,
        address indexed dataset,
        address indexed app,
        address requester,
        uint64 uses,
        uint64 expiry
    );
    event DatasetGrantRevoked(bytes32 indexed grantKey, address indexed dataset);
    /// @notice A deal consumed `uses` uses of the grant.
    event DatasetGrantUsed(bytes32 indexed grantKey, bytes32 indexed dealId, uint256 uses);

    /// @notice Makes matching (and the SMS) require a live grant for every use of `dataset`.
    function setGrantsRequired(address dataset, bool required) external;

    /// @notice Grants `app` (for `requester`, or anyone if zero) `uses` task executions on
    /// `dataset` until `expiry`. Replaces any previous grant for the same key.
    function grantDatasetUse(
        address dataset,
        address app,
        address requester,
        uint64 uses,
        uint64 expiry
    ) external;

    function revokeDatasetGrant(address dataset, address app, address requester) external;

    function grantsRequired(address dataset) external view returns (bool);

    /// @notice The key of the current owner's grant for (dataset, app, requester). Grants belong to
    /// the owner who gave them: after a transfer of the dataset token, the new owner starts with no
    /// grants and the previous owner's stop matching (deals already matched keep theirs).
    function grantKey(
        address dataset,
        address app,
        address requester
    ) external view returns (bytes32);

    function grantOf(bytes32 key) external view returns (Grant memory);

    /// @notice Whether `key` is usable now: set, not revoked, not expired (uses are counted at match).
    function isGrantLive(bytes32 key) external view returns (bool);
}
