using Kasparro.Domain.Assets;

namespace Kasparro.UnitTests.Domain;

/// <summary>
/// The name rule of identity resolution, on the names that motivated it: pairs sharing a ticker in the recorded
/// CoinPaprika and CoinGecko listings (2019, 2023 and 2021-2026 files) that are different coins.
/// </summary>
public sealed class NameMatchTests
{
    [Theory]
    [InlineData("Compound", "Compound Coin", "coin")] // COMP: compound-governance-token (CoinGecko) vs comp-compound-coin (CoinPaprika 2019)
    [InlineData("Polkadot", "Polkadot [IOU]", "iou")] // DOT: polkadot vs dot-polkadot-iou (2019)
    [InlineData("Filecoin", "Filecoin [Futures]", "futures")] // FIL: filecoin vs fil-filecoin-futures (2019)
    [InlineData("Safe", "SafeCoin", "coin")] // SAFE: safe-safe (2023) vs safe-safecoin (2019)
    [InlineData("EverGrow", "EverGreenCoin", "coin")] // EGC: egc-evergrowcoin (2023) vs egc-evergreencoin (2019)
    [InlineData("Cope", "Cope Coin", "coin")] // COPE: cope-cope vs cope-cope-coin
    [InlineData("Dingo Token", "Dingocoin", "coin")] // DINGO: dingo-dingo-token vs dingo-dingocoin
    [InlineData("SakeToken", "SAKECOIN", "coin")] // SAKE: sake-saketoken vs sake-sakecoin
    [InlineData("Quickswap V2", "Quickswap", "v2")] // QUICK: quick-quickswap-v2 vs quick-quickswap
    [InlineData("Ethereum PoW", "Ethereum wizard", "pow")] // ETHW: ethw-ethereum-pow vs ethw-ethereum-wizard
    [InlineData("PlayCoin [ERC20]", "PlayCoin [QRC20]", "erc20")] // PLY: ply-playcoin-erc20 vs ply-playcoin
    [InlineData("HarryPotterObamaSonic10Inu (BSC)", "HarryPotterObamaSonic10Inu (ETH)", "bsc")] // BITCOIN: the BSC and ETH copies
    [InlineData("Webchain", "Webcoin", "chain")] // WEB: web-webchain vs web-webcoin
    [InlineData("WETH", "Binance-Peg WETH", "binance")] // WETH: weth vs binance-peg-weth (CoinGecko 2024-09-05)
    [InlineData("WETH", "Ronin Bridged WETH (Ronin)", "bridged")] // WETH: weth vs ronin-bridged-weth-ronin (2024-09-05)
    [InlineData("Terra", "Terra 2.0", "20")] // a version on one side
    [InlineData("KuCoin", "KuCoin Token", "token")] // KCS: CoinGecko's name vs CoinPaprika's kcs-kucoin-token
    public void Compare_WhenOneNameHasADistinguishingWordTheOtherLacks_SaysWhichWord(string name, string other, string word)
    {
        var match = NameMatch.Compare(name, other);

        match.DiffersByAWord.ShouldBeTrue();
        match.DistinguishingWord.ShouldBe(word);
        NameMatch.Compare(other, name).DistinguishingWord.ShouldBe(word, "the comparison is symmetric");
    }

    [Theory]
    [InlineData("Bitcoin", "Bitcoin USD")] // a Yahoo screener name: the quote currency is no distinguishing word
    [InlineData("Ethereum", "Ethereum USD")]
    [InlineData("Tether", "Tether USDt")]
    [InlineData("KuCoin", "KuCoin Shares")] // KCS: only the crosswalk tells these apart (see IdentityResolverTests)
    public void Compare_WhenNamesDifferOnlyByOrdinaryWords_LeavesItToTheSimilarity(string name, string other)
    {
        var match = NameMatch.Compare(name, other);

        match.DiffersByAWord.ShouldBeFalse();
        match.Similarity.ShouldBe(NameSimilarity.Score(NameSimilarity.Normalize(name), NameSimilarity.Normalize(other)));
    }

    [Theory]
    [InlineData("Bitcoin", "BITCOIN")]
    [InlineData("\u200b\u200bStable", "Stable")] // CoinGecko stable-2 (2026-04-30) carries two zero-width spaces
    [InlineData("Bitcoin Cash", "BitcoinCash")]
    [InlineData("Shopping.io", "Shopping io")]
    public void Compare_WhenNormalizedNamesAreEqual_IsCertain(string name, string other)
    {
        NameMatch.Compare(name, other).ShouldBe(new NameMatch(1m, null));
    }
}
