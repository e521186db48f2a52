// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";

/// @notice ERC-721 base of the three registries: one token per asset, id = asset address.
/// @dev Asset addresses are derived from (registry, owner, content hash), so registering the same
/// content twice reverts and a client can predict the address before sending the transaction.
abstract contract AssetRegistry is ERC721, IAssetRegistry {
    uint256 internal constant MAX_NAME_LENGTH = 256;
    uint256 internal constant MAX_URI_LENGTH = 2048;

    modifier onlyAssetOwner(address asset) {
        address owner = _ownerOf(_tokenId(asset));
        if (owner == address(0)) revert RegistryAssetUnknown(asset);
        if (owner != msg.sender) revert RegistryNotOwner(asset, msg.sender);
        _;
    }

    /// @inheritdoc IAssetRegistry
    function ownerOfAsset(address asset) public view returns (address) {
        return _ownerOf(_tokenId(asset));
    }

    /// @inheritdoc IAssetRegistry
    function exists(address asset) external view returns (bool) {
        return _ownerOf(_tokenId(asset)) != address(0);
    }

    function _register(address owner, bytes32 contentHash) internal returns (address asset) {
        asset = _predict(owner, contentHash);
        uint256 id = _tokenId(asset);
        if (_ownerOf(id) != address(0)) revert RegistryAssetExists(asset);
        // Plain _mint: the creator is the caller, so no receiver hook (and no reentrancy) is needed.
        _mint(owner, id);
    }

    function _predict(address owner, bytes32 contentHash) internal view returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(address(this), owner, contentHash)))));
    }

    function _checkText(string calldata value, string memory field, uint256 max) internal pure {
        uint256 length = bytes(value).length;
        if (length == 0 || length > max) revert RegistryFieldInvalid(field);
    }

    function _tokenId(address asset) internal pure returns (uint256) {
        return uint256(uint160(asset));
    }
}
