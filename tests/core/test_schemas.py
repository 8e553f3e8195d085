"""The shared table checks in ccdata.schemas."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.schemas import check_frame


def test_check_frame_returns_the_table_it_accepts():
    df = pd.DataFrame({"lsoa21_code": ["E01000001"], "value": [1]})
    assert check_frame(df, "table", ["value"]) is df


def test_check_frame_names_the_function_whose_table_is_expected():
    with pytest.raises(TypeError, match=r"roles must be a pandas DataFrame \(the table returned by brokerage\(\)\), "
                                        r"not list"):
        check_frame([], "roles", made_by="brokerage()")


def test_check_frame_lists_missing_columns_with_a_hint():
    df = pd.DataFrame({"lsoa21_code": ["E01000001"], "value": [1]})
    with pytest.raises(ValueError, match=r"no column 'lsoa_code' \(found 'lsoa21_code': renamed\?\), 'rate'"):
        check_frame(df, "table", ["lsoa_code", "value", "rate"])
