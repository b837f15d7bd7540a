import { placeName } from './place';

describe('placeName', () => {
  test('when every part is known, then the place reads campus, building, floor, room', () => {
    expect(placeName({ campus: '主校区', building: '信息楼', floor: '3层', room: '301' })).toBe(
      '主校区 信息楼 3层 301',
    );
  });

  test('when floor or room is missing or empty, then it is left out without a gap', () => {
    expect(placeName({ campus: '主校区', building: '信息楼', floor: null, room: '' })).toBe('主校区 信息楼');
  });
});
