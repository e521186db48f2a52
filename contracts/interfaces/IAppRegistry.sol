// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";

/// @notice Registry of apps: a content-addressed bundle and the enclave measurement it runs as.
/// @dev Name, URI and enclave config hash are recorded in the `AppCreated` event; the values that
/// contracts and the SMS verify (checksum, measurement) are in storage.
interface IAppRegistry is IAssetRegistry {
    struct AppParams {
        string name;
        string uri;
        bytes32 checksum;
        bytes32 mrenclave;
        bytes32 enclaveConfigHash;
    }

    struct AppRecord {
        bytes32 checksum;
        bytes32 mrenclave;
    }

    /// @notice A new app was registered and its token minted to `owner`.
    event AppCreated(
        address indexed app,
        address indexed owner,
        string name,
        string uri,
        bytes32 checksum,
        bytes32 mrenclave,
        bytes32 enclaveConfigHash
    );

    /// @notice Registers an app owned by the caller.
    /// @return app The app address (also its token id).
    function createApp(AppParams calldata params) external returns (address app);

    /// @notice Address the app would get if `owner` registered `params` (reverts never).
    function predictApp(address owner, AppParams calldata params) external view returns (address);

    /// @notice Stored checksum and measurement of `app` (zeros when unknown).
    function appRecord(address app) external view returns (AppRecord memory);

    /// @notice Owner and measurement in one call (used by matching).
    function appInfo(address app) external view returns (address owner, bytes32 mrenclave);
}
