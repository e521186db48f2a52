// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What the three registries share. Each asset is an ERC-721 token whose id is the asset
/// address (`uint256(uint160(asset))`); owning the token is controlling the asset.
interface IAssetRegistry {
    /// @notice The same owner already registered an asset with exactly this content.
    error RegistryAssetExists(address asset);
    /// @notice No asset is registered at this address.
    error RegistryAssetUnknown(address asset);
    /// @notice Only the current owner of `asset` may do this.
    error RegistryNotOwner(address asset, address caller);
    /// @notice A required text field (name, URI) is empty or longer than the limit.
    error RegistryFieldInvalid(string field);

    /// @notice Current owner of `asset`, or address(0) when it is not registered (never reverts).
    function ownerOfAsset(address asset) external view returns (address);

    /// @notice Whether `asset` is registered here.
    function exists(address asset) external view returns (bool);
}
